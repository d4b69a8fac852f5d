/**
 * Driving our own guest programs (guest/demo, guest/modes) in tests and golden
 * generators: deterministic machines (fixed host clock), key presses by
 * scancode, screenshots, and reads of the BIOS data area. Builds on
 * {@link Headless}; everything runs in emulated time.
 */
import { join } from "node:path";
import { frameToRgba, type RgbaImage } from "../../core/video/screenshot.ts";
import type { Frame } from "../../core/video/frame.ts";
import { Headless, REPO_ROOT } from "./headless.ts";
import type { MachineConfig } from "../../core/machine/machine.ts";

/** guest/demo/demo.img */
export const DEMO_IMG = join(REPO_ROOT, "guest", "demo", "demo.img");
/** guest/modes/modes.img */
export const MODES_IMG = join(REPO_ROOT, "guest", "modes", "modes.img");

/** The host time every guest test powers on with, so RTC-derived values (BDA ticks, seeds) repeat. */
export const FIXED_HOST_TIME = new Date(2024, 0, 15, 12, 0, 0);

/** Set-1 scancodes the guest tests press. */
export const KEY = {
  esc: 0x01,
  enter: 0x1C,
  space: 0x39,
  a: 0x1E,
  digit: (n: number): number => (n === 0 ? 0x0B : 0x01 + n),
  up: 0xE048,
  down: 0xE050,
  left: 0xE04B,
  right: 0xE04D,
} as const;

/** Boots a floppy image (through an overlay) with the fixed host clock. */
export function bootFloppy(path: string, config: MachineConfig = {}): Headless {
  return Headless.floppy(path, { hostTime: () => FIXED_HOST_TIME, ...config });
}

/** The current frame (rasterized now). */
export function frame(h: Headless): Frame {
  return h.machine.video.takeFrame();
}

/** The current screen as RGBA pixels. */
export function screenshot(h: Headless): RgbaImage {
  return frameToRgba(frame(h));
}

/** The BIOS video mode byte (0040:0049). */
export function biosMode(h: Headless): number {
  return h.machine.memory.read8(0x449);
}

/** The BIOS timer tick count (0040:006C, 32 bits). */
export function biosTicks(h: Headless): number {
  const m = h.machine.memory;
  return m.read16(0x46C) + m.read16(0x46E) * 0x10000;
}

/** Presses and releases a key, then lets the guest run `afterSeconds`. */
export function tap(h: Headless, code: number, afterSeconds = 0.1): void {
  h.press(code);
  h.run(afterSeconds);
}

/** Text of row `row`, columns [from, to), from the current text frame ("" in graphics modes). */
export function textAt(h: Headless, row: number, from = 0, to = 80): string {
  return (h.screen().split("\n")[row] ?? "").slice(from, to);
}
