/**
 * Where golden screenshots live and how a test checks a screenshot against one:
 * pixel-exact outside the masked rectangles, saving the actual picture to a
 * temporary file when they differ so it can be looked at.
 */
import { join } from "node:path";
import { encodePng } from "../../core/video/png.ts";
import type { RgbaImage } from "../../core/video/screenshot.ts";
import { compareImages, describeDiff, type Rect } from "./compare.ts";
import { decodePng } from "./png_read.ts";

/** tests/golden/ */
export const GOLDEN_DIR = new URL(".", import.meta.url).pathname;

/** The golden PNG path for `folder/name`. */
export function goldenPath(folder: string, name: string): string {
  return join(GOLDEN_DIR, folder, `${name}.png`);
}

/**
 * Compares `actual` with the golden `folder/name.png`; returns null when they match,
 * else a message naming where the actual picture was saved.
 */
export function checkGolden(
  folder: string,
  name: string,
  actual: RgbaImage,
  masks: readonly Rect[] = [],
): string | null {
  const expected = decodePng(Deno.readFileSync(goldenPath(folder, name)));
  const diff = compareImages(actual, expected, masks);
  if (diff.differing === 0) return null;
  const saved = Deno.makeTempFileSync({ prefix: `tty86-${folder}-${name}-`, suffix: ".png" });
  Deno.writeFileSync(saved, encodePng(actual.width, actual.height, actual.rgba));
  return describeDiff(`${folder}/${name}`, diff, saved);
}
