/**
 * The video mode tour (guest/modes/modes.img) as a list of screenshots, shared by
 * the golden test and the golden generator so both see exactly the same steps.
 *
 * Determinism: the machine powers on with a fixed host clock and every step waits
 * a fixed span of emulated time, so cursor and blink phases (which follow the
 * retrace count) repeat from run to run. Each step also checks that the guest was
 * idle by then: the BIOS mode byte matches the step and a second screenshot one
 * blink period (16 retraces) later is identical.
 */
import type { RgbaImage } from "../../core/video/screenshot.ts";
import { biosMode, bootFloppy, KEY, MODES_IMG, screenshot, tap } from "../helpers/guest_driver.ts";
import type { Headless } from "../helpers/headless.ts";

/** One step of the tour. */
export interface TourStep {
  /** Golden file name without extension, e.g. "04_mode07". */
  name: string;
  /** The mode the step sets (BIOS number). */
  mode: number;
  image: RgbaImage;
  /** False when the screen still changed one blink period later (the guest was not idle). */
  settled: boolean;
}

/** The tour's steps in order: mode number and golden name suffix. */
export const TOUR: readonly { mode: number; suffix: string }[] = [
  ...[0x00, 0x01, 0x02, 0x03, 0x07, 0x04, 0x05, 0x06, 0x0D, 0x0E, 0x10, 0x12, 0x13].map((mode) => ({
    mode,
    suffix: `mode${hex(mode)}`,
  })),
  { mode: 0x13, suffix: "mode13x" },
  { mode: 0x03, suffix: "mode03_done" },
];

/** Emulated seconds from boot to the first mode's pattern, and from a key press to the next. */
const BOOT_SECONDS = 1.5;
const STEP_SECONDS = 1.0;
/** 16 retraces at the 70 Hz text/13h refresh: the text cursor's full blink period. */
const SETTLE_SECONDS = 16 / 70.086;

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, "0");
}

function equalImages(a: RgbaImage, b: RgbaImage): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  for (let i = 0; i < a.rgba.length; i++) if (a.rgba[i] !== b.rgba[i]) return false;
  return true;
}

/** Boots the tour and takes one screenshot per step. */
export function runModesTour(): TourStep[] {
  const h: Headless = bootFloppy(MODES_IMG);
  h.run(BOOT_SECONDS);
  const steps: TourStep[] = [];
  TOUR.forEach((step, i) => {
    if (i > 0) tap(h, KEY.space, STEP_SECONDS);
    const image = screenshot(h);
    const mode = biosMode(h);
    h.run(SETTLE_SECONDS);
    const settled = mode === step.mode && equalImages(image, screenshot(h));
    steps.push({ name: `${String(i).padStart(2, "0")}_${step.suffix}`, mode, image, settled });
  });
  return steps;
}
