/**
 * tty86 --render sixel in a real xterm (VT340, 256 registers) on a private Xvfb display, driven with
 * xdotool and photographed with ImageMagick (scripts/xterm_screenshot.ts). Skips without those tools.
 */
import assert from "node:assert/strict";
import { runXtermScreenshots, XTERM_TOOLS } from "../../scripts/xterm_screenshot.ts";
import { missingTools } from "../../scripts/term_harness.ts";

const missing = missingTools(XTERM_TOOLS);
if (missing.length > 0) console.log(`xterm_sixel_test: skipping, missing ${missing.join(", ")}`);

Deno.test({
  name: "xterm sixel: the menu and the mode 13h fire demo show, Ctrl-] q closes tty86",
  ignore: missing.length > 0,
  async fn() {
    const outDir = await Deno.makeTempDir({ prefix: "tty86-xterm-test-" });
    try {
      const lines: string[] = [];
      const result = await runXtermScreenshots({ outDir, fireSeconds: 2, log: (line) => lines.push(line) });
      assert.deepEqual(result.problems, [], lines.join("\n"));
      assert.deepEqual(result.checks, { menu: true, fire: true, quit: true });
      // The fire is drawn as a picture: many colours, not a handful of text attributes.
      assert.ok((result.fire?.colours ?? 0) >= 32, JSON.stringify(result.fire));
      assert.ok(Deno.statSync(result.firePng).size > 0);
    } finally {
      await Deno.remove(outDir, { recursive: true });
    }
  },
});
