/**
 * Pixel-exact image comparison for golden screenshots, with optional masked
 * rectangles for regions whose content legitimately changes (clocks, counters).
 */
import type { RgbaImage } from "../../core/video/screenshot.ts";

/** A rectangle in pixels: [x, y) to [x + width, y + height). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What differs between two images. */
export interface ImageDiff {
  /** Number of differing pixels (0 when equal); -1 when the sizes differ. */
  differing: number;
  /** The first differing pixel, row-major, if any. */
  first: { x: number; y: number } | null;
  /** Bounding box of the differing pixels, if any. */
  box: Rect | null;
}

/** Compares `actual` with `expected` pixel by pixel, ignoring pixels inside `masks`. */
export function compareImages(
  actual: RgbaImage,
  expected: RgbaImage,
  masks: readonly Rect[] = [],
): ImageDiff {
  if (actual.width !== expected.width || actual.height !== expected.height) {
    return { differing: -1, first: null, box: null };
  }
  let differing = 0;
  let first: { x: number; y: number } | null = null;
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < actual.height; y++) {
    for (let x = 0; x < actual.width; x++) {
      if (inside(masks, x, y)) continue;
      const i = (y * actual.width + x) * 4;
      const a = actual.rgba;
      const e = expected.rgba;
      if (a[i] === e[i] && a[i + 1] === e[i + 1] && a[i + 2] === e[i + 2] && a[i + 3] === e[i + 3]) continue;
      differing++;
      first ??= { x, y };
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  const box = differing > 0 ? { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } : null;
  return { differing, first, box };
}

/** Paints the masked rectangles a flat colour, so a golden shows what a test ignores. */
export function applyMasks(image: RgbaImage, masks: readonly Rect[]): RgbaImage {
  const rgba = image.rgba.slice();
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (!inside(masks, x, y)) continue;
      rgba.set([255, 0, 255, 255], (y * image.width + x) * 4);
    }
  }
  return { width: image.width, height: image.height, rgba };
}

function inside(masks: readonly Rect[], x: number, y: number): boolean {
  for (const m of masks) {
    if (x >= m.x && x < m.x + m.width && y >= m.y && y < m.y + m.height) return true;
  }
  return false;
}

/** One line describing a difference, for assertion messages. */
export function describeDiff(name: string, d: ImageDiff, actualPath: string): string {
  if (d.differing < 0) return `${name}: image size differs from the golden (actual saved to ${actualPath})`;
  const b = d.box!;
  return `${name}: ${d.differing} pixels differ, first at (${d.first!.x}, ${d.first!.y}), ` +
    `within ${b.width}×${b.height} at (${b.x}, ${b.y}); actual saved to ${actualPath}`;
}
