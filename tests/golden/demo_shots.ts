/**
 * Golden screenshots of the demo disk (guest/demo/demo.img), shared by the
 * generator and tests/guest/demo_test.ts: the menu, the snake start screen and
 * the keyboard/timer tester. The tester's clock fields (ticks, seconds, RTC
 * time, PIT counter) are masked: they are checked as text by the test instead.
 */
import type { RgbaImage } from "../../core/video/screenshot.ts";
import { bootFloppy, DEMO_IMG, KEY, screenshot, tap } from "../helpers/guest_driver.ts";
import type { Rect } from "./compare.ts";

/** One golden picture of the demo, with the regions a comparison ignores. */
export interface DemoShot {
  name: string;
  image: RgbaImage;
  masks: Rect[];
}

/** Pixels of text cells [col, col + cols) on `row` (80×25 text, 8×16 cells). */
function textCells(row: number, col: number, cols: number): Rect {
  return { x: col * 8, y: row * 16, width: cols * 8, height: 16 };
}

/** The tester's value fields that follow the clocks: ticks, seconds, RTC time, PIT counter. */
export const TESTER_CLOCK_MASKS: Rect[] = [12, 14, 16, 18].map((row) => textCells(row, 45, 35));

/** Boots the demo with the fixed host clock and takes the golden screenshots on a fixed schedule. */
export function demoShots(): DemoShot[] {
  const h = bootFloppy(DEMO_IMG);
  h.run(0.5);
  const shots: DemoShot[] = [{ name: "menu", image: screenshot(h), masks: [] }];
  // Snake draws its field at once; the first step comes two ticks (0.11 s) later.
  tap(h, KEY.digit(2), 0.02);
  shots.push({ name: "snake_start", image: screenshot(h), masks: [] });
  tap(h, KEY.esc, 0.3);
  tap(h, KEY.digit(3), 0.3);
  shots.push({ name: "tester", image: screenshot(h), masks: TESTER_CLOCK_MASKS });
  return shots;
}
