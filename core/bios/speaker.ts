/**
 * The BIOS beep (BEL through INT 10h teletype): sounds the PC speaker from PIT
 * channel 2 for a few timer ticks. Never waits: the timer interrupt ends it.
 */
import type { IoBus } from "../io/io_bus.ts";

const PIT_COMMAND = 0x43;
const PIT_CHANNEL2 = 0x42;
const PORT_B = 0x61;
/** About 896 Hz from the 1.193182 MHz PIT clock. */
const BEEP_DIVISOR = 1331;
/** About half a second of timer ticks. */
const BEEP_TICKS = 9;

/** Starts and stops the BIOS beep. */
export class Speaker {
  /** Ticks left before the speaker is turned off; 0 when silent. */
  ticksLeft = 0;

  constructor(private readonly io: IoBus) {}

  beep(): void {
    this.io.out8(PIT_COMMAND, 0xB6); // channel 2, lobyte/hibyte, mode 3
    this.io.out8(PIT_CHANNEL2, BEEP_DIVISOR & 0xFF);
    this.io.out8(PIT_CHANNEL2, BEEP_DIVISOR >>> 8);
    this.io.out8(PORT_B, this.io.in8(PORT_B) | 0x03);
    this.ticksLeft = BEEP_TICKS;
  }

  /** Called from the timer interrupt. */
  tick(): void {
    if (this.ticksLeft === 0) return;
    if (--this.ticksLeft === 0) this.io.out8(PORT_B, this.io.in8(PORT_B) & ~0x03);
  }
}
