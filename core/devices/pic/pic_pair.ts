/**
 * The AT's two cascaded 8259A interrupt controllers: master at 20h/21h (IRQ0–7),
 * slave at A0h/A1h (IRQ8–15) whose INT output drives master IR2.
 */

import type { IoDevice } from "../../io/io_bus.ts";
import type { Stateful, StateValue } from "../../state.ts";
import type { InterruptController, InterruptPin, IrqLines } from "../interrupts.ts";
import { boolField, recordField, stateRecord } from "../state_fields.ts";
import { PicChipState } from "./chip_state.ts";
import { acknowledgeLevel, readCommand, readData, setLine, writeCommand, writeData } from "./commands.ts";
import { pendingRequest } from "./priority.ts";

/** The master input the slave's INT output is wired to on the AT. */
const CASCADE_INPUT = 2;

/**
 * Both PICs as one device.
 *
 * Starts uninitialised, like the chips: nothing reaches the CPU until the BIOS has sent
 * ICW1–ICW4 (normally vectors 08h and 70h). Rotation commands are implemented.
 *
 * IRQ lines are edge-triggered and the request stays latched after the line drops (see
 * `setLine`), so `raiseIrq(n); lowerIrq(n)` is a valid pulse. A request that vanishes before
 * the CPU acknowledges it (masked, or a level-mode line dropped, or a slave request gone while
 * master IR2 is latched) yields the spurious vector of IR7 (or IR15) without an in-service bit.
 */
export class PicPair implements IoDevice, IrqLines, InterruptController, Stateful {
  /** The master chip's state (exposed for tests and debuggers). */
  readonly master = new PicChipState();
  /** The slave chip's state. */
  readonly slave = new PicChipState();
  private pin: InterruptPin | null;
  private intr = false;

  /** `pin` is the CPU's INTR input; it can also be attached later with `connect`. */
  constructor(pin: InterruptPin | null = null) {
    this.pin = pin;
  }

  /** Attaches the CPU's INTR input and tells it the current level. */
  connect(pin: InterruptPin): void {
    this.pin = pin;
    pin.setIntr(this.intr);
  }

  /** Whether INTR is asserted now. */
  get intrAsserted(): boolean {
    return this.intr;
  }

  in8(port: number): number {
    const chip = (port & 0x80) !== 0 ? this.slave : this.master;
    const value = (port & 1) === 0 ? readCommand(chip) : readData(chip);
    this.update();
    return value;
  }

  out8(port: number, value: number): void {
    const chip = (port & 0x80) !== 0 ? this.slave : this.master;
    if ((port & 1) === 0) writeCommand(chip, value);
    else writeData(chip, value);
    this.update();
  }

  /**
   * Raises IRQ `irq` (0–15). IRQ2 is the AT bus line that the board routes to IRQ9
   * (master IR2 carries the cascade).
   */
  raiseIrq(irq: number): void {
    this.drive(irq, true);
  }

  /** Lowers IRQ `irq` (0–15). */
  lowerIrq(irq: number): void {
    this.drive(irq, false);
  }

  /** The INTA cycle: returns the vector and marks the request in service. */
  acknowledge(): number {
    const level = acknowledgeLevel(this.master);
    let vector: number;
    if (
      level === CASCADE_INPUT && (this.master.cascade & (1 << CASCADE_INPUT)) !== 0 && !this.master.single
    ) {
      vector = this.slave.vectorBase | acknowledgeLevel(this.slave);
    } else {
      vector = this.master.vectorBase | level;
    }
    this.update();
    return vector;
  }

  saveState(): StateValue {
    return { master: this.master.save(), slave: this.slave.save(), intr: this.intr };
  }

  loadState(state: StateValue): void {
    const r = stateRecord(state, "PicPair");
    this.master.load(recordField(r, "master", "PicPair"), "PicPair.master");
    this.slave.load(recordField(r, "slave", "PicPair"), "PicPair.slave");
    this.intr = boolField(r, "intr", "PicPair");
    this.pin?.setIntr(this.intr);
  }

  private drive(irq: number, high: boolean): void {
    if (irq === 2) irq = 9;
    if (irq < 8) setLine(this.master, irq, high);
    else setLine(this.slave, irq & 7, high);
    this.update();
  }

  /** Propagates the slave's INT to master IR2 and the master's INT to the CPU. */
  private update(): void {
    setLine(this.master, CASCADE_INPUT, pendingRequest(this.slave) >= 0);
    const intr = pendingRequest(this.master) >= 0;
    if (intr !== this.intr) {
      this.intr = intr;
      this.pin?.setIntr(intr);
    }
  }
}
