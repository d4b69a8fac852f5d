/**
 * Test doubles for device tests: a clock whose time the test sets, and recorders for
 * IRQ lines and the CPU's INTR pin.
 */

import type { InterruptPin, IrqLines } from "../../core/devices/interrupts.ts";
import type { Clock, TimedDevice } from "../../core/time/timed_device.ts";

/** A clock that only moves when the test says so. */
export class FakeClock implements Clock {
  cycles = 0;
  constructor(readonly hz: number) {}
  now(): number {
    return this.cycles;
  }
}

/** Records every raise and lower, and the current level of each line. */
export class IrqRecorder implements IrqLines {
  readonly raises: number[] = [];
  readonly lowers: number[] = [];
  readonly level: boolean[] = new Array<boolean>(16).fill(false);
  raiseIrq(irq: number): void {
    this.raises.push(irq);
    this.level[irq] = true;
  }
  lowerIrq(irq: number): void {
    this.lowers.push(irq);
    this.level[irq] = false;
  }
  /** How many times `irq` was raised. */
  raisesOf(irq: number): number {
    return this.raises.filter((n) => n === irq).length;
  }
}

/** The CPU's INTR input. */
export class PinRecorder implements InterruptPin {
  asserted = false;
  changes = 0;
  setIntr(asserted: boolean): void {
    this.asserted = asserted;
    this.changes++;
  }
}

/**
 * Runs the machine's event loop for `device` until cycle `end`: jump to each `nextEvent()`,
 * call `advance`, and report the cycle of each event to `onEvent`.
 */
export function runEvents(
  clock: FakeClock,
  device: TimedDevice,
  end: number,
  onEvent: (cycle: number) => void = () => {},
): void {
  for (;;) {
    const next = device.nextEvent();
    if (next > end) break;
    clock.cycles = Math.max(clock.cycles, next);
    device.advance(clock.cycles);
    onEvent(clock.cycles);
  }
  clock.cycles = end;
  device.advance(end);
}
