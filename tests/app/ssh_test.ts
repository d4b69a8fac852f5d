/**
 * tty86 over SSH (bench/ssh.ts): a throwaway sshd on 127.0.0.1, ssh inside a private tmux session,
 * tty86 --render halfblock at the far end playing the demo disk. Skips without sshd/ssh/ssh-keygen/tmux.
 * Also unit tests for the capture reader in scripts/term_harness.ts.
 */
import assert from "node:assert/strict";
import { runSshBench, SSH_BENCH_TOOLS } from "../../bench/ssh.ts";
import {
  captureText,
  cellPixels,
  cgaClass,
  isFireColour,
  missingTools,
  parseCapture,
  screenStats,
  shQuote,
  xterm256,
} from "../../scripts/term_harness.ts";

const missing = missingTools(SSH_BENCH_TOOLS);
if (missing.length > 0) console.log(`ssh_test: skipping the SSH session, missing ${missing.join(", ")}`);

Deno.test({
  name: "ssh: tty86 shows the menu, fire and snake through sshd and quits with Ctrl-] q",
  ignore: missing.length > 0,
  async fn() {
    const lines: string[] = [];
    const result = await runSshBench({ seconds: 2, log: (line) => lines.push(line) });
    assert.deepEqual(result.problems, [], lines.join("\n"));
    assert.deepEqual(result.checks, { menu: true, fire: true, snake: true, menuAgain: true, quit: true });
    // The fire animates: it streams far more than the idle menu.
    assert.ok(result.ssh_fire_Bps > 1000, `fire streamed only ${result.ssh_fire_Bps} B/s`);
    assert.ok(result.ssh_fire_Bps > result.ssh_menu_Bps * 10, JSON.stringify(result));
  },
});

Deno.test("term_harness: capture parser applies SGR 256, RGB and resets", () => {
  const rows = parseCapture("\x1b[38;5;196m\x1b[48;2;255;255;0m▀\x1b[0m a\n\x1b[41m▄\n");
  assert.deepEqual(rows.length, 2);
  assert.deepEqual(captureText(rows), "▀ a\n▄");
  assert.deepEqual(rows[0][0].fg, [255, 0, 0]);
  assert.deepEqual(rows[0][0].bg, [255, 255, 0]);
  assert.deepEqual(rows[0][1].fg, undefined);
  assert.deepEqual(cellPixels(rows[0][0]), [[255, 0, 0], [255, 255, 0]]);
  // ▄: background on top, foreground below; default fg is light grey.
  assert.deepEqual(cellPixels(rows[1][0]), [[205, 0, 0], [229, 229, 229]]);
});

Deno.test("term_harness: xterm palette and colour classes", () => {
  assert.deepEqual(xterm256(16), [0, 0, 0]);
  assert.deepEqual(xterm256(196), [255, 0, 0]);
  assert.deepEqual(xterm256(51), [0, 255, 255]);
  assert.deepEqual(xterm256(232), [8, 8, 8]);
  assert.ok(isFireColour([255, 0, 0]) && isFireColour([255, 200, 40]));
  assert.ok(!isFireColour([255, 255, 255]) && !isFireColour([40, 0, 0]));
  assert.deepEqual(cgaClass([85, 255, 255]), "cyan");
  assert.deepEqual(cgaClass([255, 85, 255]), "magenta");
  assert.deepEqual(cgaClass([255, 255, 255]), "white");
  assert.deepEqual(cgaClass([0, 0, 0]), undefined);
});

Deno.test("term_harness: screen stats count fire in the lower half", () => {
  const red = "\x1b[38;2;255;0;0m\x1b[48;2;255;160;0m▀\x1b[0m";
  const stats = screenStats(parseCapture(`  \n${red}${red}\n`));
  assert.deepEqual(stats.blockCells, 2);
  assert.deepEqual(stats.fireShareLower, 1);
  assert.deepEqual(shQuote("a b'c"), `'a b'\\''c'`);
  assert.deepEqual(shQuote("/usr/bin/x"), "/usr/bin/x");
});
