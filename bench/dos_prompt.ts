/**
 * The DOS prompt check the boot benchmarks use: whether a text frame shows `A:\>` anywhere.
 * No node: imports (the boot benchmark's process counts its own start-up).
 *
 * @example
 * ```ts
 * const f = machine.video.takeFrame();
 * if (f.kind === "text" && showsPrompt(f)) console.log("booted");
 * ```
 */
import type { TextFrame } from "../core/video/frame.ts";

/** True if the text frame shows `A:\>` anywhere. */
export function showsPrompt(f: TextFrame): boolean {
  const c = f.cells;
  for (let i = 0; i + 3 < c.length; i++) {
    if (
      (c[i] & 0xFF) === 0x41 && (c[i + 1] & 0xFF) === 0x3A && (c[i + 2] & 0xFF) === 0x5C &&
      (c[i + 3] & 0xFF) === 0x3E
    ) {
      return true;
    }
  }
  return false;
}
