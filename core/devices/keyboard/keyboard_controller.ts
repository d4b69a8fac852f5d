/**
 * The AT keyboard controller (8042) at 60h/64h and the keyboard behind it.
 */

import type { IoDevice } from "../../io/io_bus.ts";
import type { Stateful, StateValue } from "../../state.ts";
import type { Clock, TimedDevice } from "../../time/timed_device.ts";
import type { IrqLines } from "../interrupts.ts";
import type { KeyboardInput } from "../keyboard_input.ts";
import { boolField, bytesField, intField, numberField, recordField, stateRecord } from "../state_fields.ts";
import { ByteQueue } from "./byte_queue.ts";
import {
  CommandByte,
  OutputPort,
  POST_COMMAND_BYTE,
  POWER_ON_OUTPUT_PORT,
  Status,
} from "./controller_registers.ts";
import { Ps2Keyboard } from "./keyboard.ts";

const KEYBOARD_IRQ = 1;

/** How long a keyboard byte takes to reach the output buffer once it is free. */
export const DEFAULT_BYTE_DELAY_SECONDS = 0.0005;

/** Options of the keyboard controller. */
export interface KeyboardControllerOptions {
  /** Called when the guest pulses the reset line (FEh, or D1h with bit 0 clear). */
  onReset?: () => void;
  /** Delay before a keyboard byte enters the empty output buffer (default 0.5 ms). */
  byteDelaySeconds?: number;
}

/**
 * 8042 keyboard controller with an MF2 keyboard.
 *
 * Starts in the state POST leaves it (command byte 45h, keyboard enabled), because the
 * BIOS is high-level and may never program it. Keyboard bytes (replies first, then
 * scancodes) enter the output buffer only when it is empty and after a short delay in
 * emulated time; controller replies enter it as soon as it is empty. IRQ1 follows
 * "output buffer full and command byte bit 0". The A20 gate (output port bit 1) is kept
 * as state only: the 80186 has 20 address lines.
 */
export class KeyboardController8042 implements IoDevice, KeyboardInput, TimedDevice, Stateful {
  /** The keyboard on the far end of the serial link. */
  readonly keyboard = new Ps2Keyboard();
  /** Controller RAM: byte 0 is the command byte. */
  private readonly ram = new Uint8Array(32);
  private readonly controllerReplies = new ByteQueue(4);
  private outputBuffer = 0;
  private outputFull = false;
  private lastWasCommand = false;
  /** The controller command awaiting its data byte at 60h, or 0. */
  private awaitingData = 0;
  private outputPort = POWER_ON_OUTPUT_PORT;
  /** Cycle at which the next keyboard byte enters the output buffer, or -1. */
  private transferAt = -1;
  private irqHigh = false;
  private readonly byteDelayCycles: number;
  private readonly onReset: () => void;

  constructor(
    private readonly clock: Clock,
    private readonly irqs: IrqLines,
    options: KeyboardControllerOptions = {},
  ) {
    this.ram[0] = POST_COMMAND_BYTE;
    this.byteDelayCycles = Math.round((options.byteDelaySeconds ?? DEFAULT_BYTE_DELAY_SECONDS) * clock.hz);
    this.onReset = options.onReset ?? (() => {});
  }

  /** The command byte (controller RAM byte 0). */
  get commandByte(): number {
    return this.ram[0];
  }

  /** The A20 gate as last set through the output port. */
  get a20Enabled(): boolean {
    return (this.outputPort & OutputPort.A20) !== 0;
  }

  /** Key events dropped because the keyboard's buffer was full. */
  get overflows(): number {
    return this.keyboard.overflows;
  }

  keyEvent(code: number, pressed: boolean): void {
    this.keyboard.keyEvent(code, pressed);
    this.pump(this.clock.now());
  }

  in8(port: number): number {
    if ((port & 4) !== 0) return this.status();
    const value = this.outputBuffer;
    if (this.outputFull) {
      this.outputFull = false;
      this.updateIrq();
      this.pump(this.clock.now());
    }
    return value;
  }

  out8(port: number, value: number): void {
    if ((port & 4) !== 0) this.command(value);
    else this.data(value);
    this.updateIrq();
    this.pump(this.clock.now());
  }

  nextEvent(): number {
    return this.transferAt < 0 ? Infinity : this.transferAt;
  }

  advance(now: number): void {
    this.pump(now);
  }

  saveState(): StateValue {
    return {
      keyboard: this.keyboard.saveState(),
      ram: this.ram.slice(),
      controllerReplies: this.controllerReplies.save(),
      outputBuffer: this.outputBuffer,
      outputFull: this.outputFull,
      lastWasCommand: this.lastWasCommand,
      awaitingData: this.awaitingData,
      outputPort: this.outputPort,
      transferAt: this.transferAt,
      irqHigh: this.irqHigh,
    };
  }

  loadState(state: StateValue): void {
    const what = "KeyboardController8042";
    const r = stateRecord(state, what);
    this.keyboard.loadState(recordField(r, "keyboard", what), `${what}.keyboard`);
    this.ram.set(bytesField(r, "ram", 32, what));
    this.controllerReplies.load(r.controllerReplies, `${what}.controllerReplies`);
    this.outputBuffer = intField(r, "outputBuffer", 0, 0xFF, what);
    this.outputFull = boolField(r, "outputFull", what);
    this.lastWasCommand = boolField(r, "lastWasCommand", what);
    this.awaitingData = intField(r, "awaitingData", 0, 0xFF, what);
    this.outputPort = intField(r, "outputPort", 0, 0xFF, what);
    this.transferAt = numberField(r, "transferAt", what);
    // The IRQ line is restored as saved; the PIC's own state holds any latched request.
    this.irqHigh = boolField(r, "irqHigh", what);
  }

  private status(): number {
    return (this.outputFull ? Status.OutputFull : 0) | (this.ram[0] & CommandByte.SystemFlag) |
      (this.lastWasCommand ? Status.LastWasCommand : 0) | Status.NotInhibited;
  }

  /** A controller command written to 64h. */
  private command(value: number): void {
    this.lastWasCommand = true;
    this.awaitingData = 0;
    if (value >= 0x20 && value <= 0x3F) {
      this.reply(this.ram[value & 0x1F]); // read controller RAM (20h: command byte)
      return;
    }
    if (value >= 0x60 && value <= 0x7F) {
      this.awaitingData = value; // write controller RAM (60h: command byte)
      return;
    }
    if (value >= 0xF0) {
      // Pulse output port bits 0–3 low for each clear bit; bit 0 is the CPU reset line.
      if ((value & 1) === 0) this.onReset();
      return;
    }
    switch (value) {
      case 0xA7:
        this.ram[0] |= CommandByte.AuxDisabled;
        return;
      case 0xA8:
        this.ram[0] &= ~CommandByte.AuxDisabled;
        return;
      case 0xAA: // self-test
        this.reply(0x55);
        return;
      case 0xAB: // keyboard interface test: no error
        this.reply(0x00);
        return;
      case 0xAD:
        this.ram[0] |= CommandByte.KeyboardDisabled;
        return;
      case 0xAE:
        this.ram[0] &= ~CommandByte.KeyboardDisabled;
        return;
      case 0xD0:
        this.reply(this.outputPort);
        return;
      case 0xD1: // write output port
      case 0xD2: // write keyboard output buffer
      case 0xD3: // write auxiliary output buffer (no auxiliary device: ignored)
      case 0xD4: // write to auxiliary device (ignored)
        this.awaitingData = value;
        return;
      case 0xE0: // read test inputs
        this.reply(0x00);
        return;
      default: // unknown commands are ignored
    }
  }

  /** A byte written to 60h: data for a controller command, or a byte for the keyboard. */
  private data(value: number): void {
    this.lastWasCommand = false;
    const command = this.awaitingData;
    this.awaitingData = 0;
    if (command === 0) {
      this.keyboard.receive(value, (this.ram[0] & CommandByte.Translate) !== 0);
    } else if (command >= 0x60 && command <= 0x7F) {
      this.ram[command & 0x1F] = value;
    } else if (command === 0xD1) {
      this.outputPort = value;
      if ((value & OutputPort.ResetHigh) === 0) this.onReset();
    } else if (command === 0xD2) {
      this.reply(value);
    }
  }

  private reply(byte: number): void {
    this.controllerReplies.push(byte);
  }

  /** Moves a byte into the empty output buffer when one is due at cycle `now`. */
  private pump(now: number): void {
    if (this.outputFull) return;
    if (this.controllerReplies.size > 0) {
      this.fill(this.controllerReplies.shift());
      return;
    }
    if ((this.ram[0] & CommandByte.KeyboardDisabled) !== 0 || !this.keyboard.hasByte()) {
      this.transferAt = -1;
      return;
    }
    if (this.transferAt < 0) this.transferAt = now + this.byteDelayCycles;
    if (now >= this.transferAt) {
      this.transferAt = -1;
      this.fill(this.keyboard.takeByte());
    }
  }

  private fill(byte: number): void {
    this.outputBuffer = byte;
    this.outputFull = true;
    this.updateIrq();
  }

  private updateIrq(): void {
    const high = this.outputFull && (this.ram[0] & CommandByte.KeyboardInterrupt) !== 0;
    if (high === this.irqHigh) return;
    this.irqHigh = high;
    if (high) this.irqs.raiseIrq(KEYBOARD_IRQ);
    else this.irqs.lowerIrq(KEYBOARD_IRQ);
  }
}
