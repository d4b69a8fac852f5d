/**
 * The raster beam in emulated time: where the CRTC is at any cycle, from the
 * dot clock and the CRTC's totals, so input status 1 (3DAh) can be computed at
 * the moment of the read and vertical retrace can be scheduled as an event.
 *
 * Standard modes give 25.175 MHz / 800 dots (or 28.322 MHz / 900 in 9-dot text)
 * = 31.469 kHz lines; 449 lines per frame (70 Hz) for the 200/350/400-line modes,
 * 525 (60 Hz) for 480 lines. The values are decoded from the registers, so tweaked
 * modes get the timing they program.
 */
import type { Clock } from "../../time/timed_device.ts";
import type { VgaRegisters } from "./registers/index.ts";

/** Input status 1 bit 0: display disabled (horizontal or vertical blanking). */
export const STATUS_DISPLAY_DISABLED = 0x01;
/** Input status 1 bit 3: vertical retrace. */
export const STATUS_VERTICAL_RETRACE = 0x08;

export class RasterTiming {
  /** CPU cycles per scan line. */
  cyclesPerLine = 0;
  /** Scan lines per frame. */
  totalLines = 449;
  /** Displayed scan lines at the top of the frame. */
  displayLines = 400;
  /** First line of vertical retrace, and how many lines it lasts. */
  retraceStart = 412;
  retraceLength = 2;
  /** Fraction of each line during which the display is enabled. */
  displayFraction = 0.8;
  /** Cycle at which some frame's line 0 began (the phase of the beam). */
  origin = 0;
  /** Cycle of the next vertical retrace start not yet counted by {@link advance}. */
  nextRetrace = 0;
  /** Registers changed: the parameters are recomputed at the next use. */
  private stale = true;

  constructor(private readonly clock: Clock, private readonly regs: VgaRegisters) {
    this.refresh(clock.now());
    this.nextRetrace = this.firstRetraceAfter(clock.now());
  }

  /** Called when a register that sets the timing was written. */
  invalidate(): void {
    this.stale = true;
  }

  get framePeriod(): number {
    return this.cyclesPerLine * this.totalLines;
  }

  /** Input status 1 bits 0 and 3 at cycle `now`. */
  status(now: number): number {
    if (this.stale) this.rebase(now);
    const period = this.framePeriod;
    let pos = (now - this.origin) % period;
    if (pos < 0) pos += period;
    const line = Math.floor(pos / this.cyclesPerLine);
    const inLine = pos - line * this.cyclesPerLine;
    let bits = 0;
    if (line >= this.retraceStart && line < this.retraceStart + this.retraceLength) {
      bits |= STATUS_VERTICAL_RETRACE;
    }
    if (line >= this.displayLines || inLine >= this.displayFraction * this.cyclesPerLine) {
      bits |= STATUS_DISPLAY_DISABLED;
    }
    return bits;
  }

  /** Cycle of the first retrace start strictly after `now` (fractional). */
  firstRetraceAfter(now: number): number {
    const period = this.framePeriod;
    const startInFrame = this.retraceStart * this.cyclesPerLine;
    const k = Math.floor((now - this.origin - startInFrame) / period) + 1;
    return this.origin + startInFrame + k * period;
  }

  /** Restores the beam phase from a snapshot (registers already loaded). */
  restore(origin: number, nextRetrace: number): void {
    this.refresh(this.clock.now());
    this.origin = origin;
    this.nextRetrace = nextRetrace;
  }

  /** Applies pending register changes, keeping the beam's line position continuous. */
  rebase(now: number): void {
    if (!this.stale) return;
    const oldPeriod = this.framePeriod;
    let linePos = 0;
    if (oldPeriod > 0) {
      let pos = (now - this.origin) % oldPeriod;
      if (pos < 0) pos += oldPeriod;
      linePos = pos / this.cyclesPerLine;
    }
    this.refresh(now);
    if (linePos >= this.totalLines) linePos = 0;
    this.origin = now - linePos * this.cyclesPerLine;
    this.nextRetrace = this.firstRetraceAfter(now);
  }

  private refresh(_now: number): void {
    this.stale = false;
    const { crtc, seq } = this.regs;
    const dotsPerChar = seq.eightDotChars ? 8 : 9;
    const dotClock = this.regs.dotClockHz / (seq.halfDotClock ? 2 : 1);
    let charsPerLine = crtc.horizontalTotal;
    if (charsPerLine < 10) charsPerLine = 100; // unprogrammed: standard 800-dot lines
    // Multiply before dividing so standard rates stay exact where they can be.
    this.cyclesPerLine = (this.clock.hz * charsPerLine * dotsPerChar) / dotClock;
    let total = crtc.verticalTotal;
    if (total < 16) total = 449;
    this.totalLines = total;
    this.displayLines = Math.min(crtc.displayedLines, total);
    this.retraceStart = Math.min(crtc.retraceStart, total - 1);
    this.retraceLength = crtc.retraceLength;
    this.displayFraction = Math.min(1, crtc.displayedChars / charsPerLine);
  }
}
