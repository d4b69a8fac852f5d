/**
 * The 8254 programmable interval timer at 40h–43h: channel 0 drives IRQ0, channel 1
 * is the DRAM refresh timer, channel 2 (gate and output on port 61h) drives the speaker.
 */

import type { IoDevice } from "../../io/io_bus.ts";
import type { Stateful, StateValue } from "../../state.ts";
import type { Clock, TimedDevice } from "../../time/timed_device.ts";
import type { IrqLines } from "../interrupts.ts";
import { numberField, stateRecord } from "../state_fields.ts";
import { scaleCeil, scaleFloor } from "../time_scale.ts";
import { Access, PitChannel } from "./channel.ts";

/** The PIT input clock of every PC: 14.31818 MHz / 12. */
export const PIT_HZ = 1_193_182;

/** Ports 40h–42h are the counters, 43h the control word register. */
const CONTROL_PORT = 3;

/**
 * Three-channel 8254.
 *
 * Time is derived from the emulated clock: the tick count at cycle c is
 * floor(c × 1193182 / clock.hz), computed from cycle 0 each time so it never drifts.
 * Counter reads compute the count at `clock.now()`. Channel 0 raises IRQ0 (a raise then
 * a lower: the PIC latches the edge) at each rising edge of its OUT; `nextEvent()` is the
 * cycle of the next such edge. Modes 0–5 are supported; BCD counting is not.
 */
export class Pit8254 implements IoDevice, TimedDevice, Stateful {
  /** The three counters (exposed for tests and debuggers). */
  readonly channels: readonly [PitChannel, PitChannel, PitChannel] = [
    new PitChannel(),
    new PitChannel(),
    new PitChannel(),
  ];
  /** Ticks up to which channel 0's IRQ0 edges have been delivered. */
  private irqDoneTick = 0;

  constructor(private readonly clock: Clock, private readonly irqs: IrqLines) {
    // Channels 0 and 1 have their gates tied high; channel 2's comes from port 61h (low at reset).
    this.channels[2].gate = false;
  }

  /** PIT ticks elapsed at CPU cycle `cycle`. */
  ticksAt(cycle: number): number {
    return scaleFloor(cycle, PIT_HZ, this.clock.hz);
  }

  /** The first CPU cycle at which `tick` PIT ticks have elapsed. */
  cycleOfTick(tick: number): number {
    return scaleCeil(tick, this.clock.hz, PIT_HZ);
  }

  in8(port: number): number {
    const index = port & 3;
    if (index === CONTROL_PORT) return 0xFF; // the control register is write-only
    return this.channels[index].readCount(this.ticksAt(this.clock.now()));
  }

  out8(port: number, value: number): void {
    const now = this.clock.now();
    const t = this.ticksAt(now);
    // Deliver edges due under the old programming before changing it.
    this.advance(now);
    const index = port & 3;
    if (index !== CONTROL_PORT) {
      this.channels[index].writeCount(value, t);
      return;
    }
    const select = value >> 6;
    if (select === 3) {
      this.readBack(value, t);
      return;
    }
    const channel = this.channels[select];
    const access = (value >> 4) & 3;
    if (access === Access.Latch) channel.latchCount(t);
    else channel.writeControl(access, (value >> 1) & 7, (value & 1) !== 0, t);
  }

  /** Drives a channel's GATE input (channel 2 from port 61h bit 0). */
  setGate(channel: number, level: boolean): void {
    const now = this.clock.now();
    this.advance(now);
    this.channels[channel].setGate(level, this.ticksAt(now));
  }

  /** A channel's OUT level now (channel 2 is port 61h bit 5). */
  output(channel: number): boolean {
    const t = this.ticksAt(this.clock.now());
    const ch = this.channels[channel];
    ch.settle(t);
    return ch.outAt(t);
  }

  /** A channel's OUT frequency now if it runs in mode 2 or 3, else 0 (for the speaker). */
  frequency(channel: number): number {
    return this.channels[channel].frequency(PIT_HZ, this.ticksAt(this.clock.now()));
  }

  nextEvent(): number {
    const edge = this.channels[0].nextRisingEdge(this.irqDoneTick);
    return edge < 0 ? Infinity : this.cycleOfTick(edge);
  }

  advance(now: number): void {
    const t = this.ticksAt(now);
    if (t <= this.irqDoneTick) return;
    const edge = this.channels[0].nextRisingEdge(this.irqDoneTick);
    this.irqDoneTick = t;
    // Several missed edges make one request: the PIC latches only one.
    if (edge >= 0 && edge <= t) {
      this.irqs.raiseIrq(0);
      this.irqs.lowerIrq(0);
    }
  }

  saveState(): StateValue {
    return {
      channels: [this.channels[0].saveState(), this.channels[1].saveState(), this.channels[2].saveState()],
      irqDoneTick: this.irqDoneTick,
    };
  }

  loadState(state: StateValue): void {
    const r = stateRecord(state, "Pit8254");
    const channels = r.channels;
    if (!Array.isArray(channels) || channels.length !== 3) {
      throw new Error('Pit8254: saved state field "channels" is not an array of 3');
    }
    for (let i = 0; i < 3; i++) this.channels[i].loadState(channels[i], `Pit8254.channels[${i}]`);
    this.irqDoneTick = numberField(r, "irqDoneTick", "Pit8254");
  }

  /** Read-back command: latch count and/or status of the selected counters. */
  private readBack(value: number, t: number): void {
    const latchCount = (value & 0x20) === 0;
    const latchStatus = (value & 0x10) === 0;
    for (let i = 0; i < 3; i++) {
      if ((value & (2 << i)) === 0) continue;
      // Status first: it reflects the state before this command's count latch.
      if (latchStatus) this.channels[i].latchStatus(t);
      if (latchCount) this.channels[i].latchCount(t);
    }
  }
}
