/**
 * The whole program in a PTY (node-pty): the demo menu appears, "2" starts snake, arrow keys change
 * the picture, Ctrl-] q quits, and the terminal is left as it was found (alternate screen left,
 * cursor shown, cooked mode: `stty -a` in the same PTY afterwards shows `icanon` and `echo`).
 * The PTY output is replayed into @xterm/headless, which also answers the terminal probe.
 */
import assert from "node:assert/strict";
import { PtyRun, screen, waitFor } from "./pty_harness.ts";

Deno.test("tty86 in a PTY: demo menu, snake with arrow keys, Ctrl-] q, terminal restored", async () => {
  const script = `'${Deno.execPath()}' run -A main.ts run --render halfblock; echo "EXIT=$?"; stty -a`;
  const run = new PtyRun(script);
  const { child, term } = run;
  try {
    await waitFor("the demo menu", () => screen(term).includes("demo disk"));
    assert.ok(run.output.includes("\x1b[?1049h"), "entered the alternate screen");

    child.write("2");
    await waitFor("snake's picture", () => !screen(term).includes("demo disk") && /[▀▄█]/.test(screen(term)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = screen(term);
    for (const arrow of ["\x1b[B", "\x1b[C", "\x1b[A"]) {
      child.write(arrow);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await waitFor("the picture to change after arrow keys", () => screen(term) !== before, 5_000);

    child.write("\x1d"); // Ctrl-]
    child.write("q");
    await waitFor("exit", () => run.exited && run.output.includes("EXIT="), 10_000);
  } finally {
    if (!run.exited) child.kill();
    term.dispose();
  }
  const at = run.output.indexOf("EXIT=");
  const afterChild = run.output.slice(at);
  const beforeExit = run.output.slice(0, at);
  assert.ok(afterChild.startsWith("EXIT=0"), afterChild.slice(0, 200));
  assert.ok(
    beforeExit.lastIndexOf("\x1b[?1049l") > beforeExit.lastIndexOf("\x1b[?1049h"),
    "left the alt screen",
  );
  assert.ok(beforeExit.lastIndexOf("\x1b[?25h") > beforeExit.lastIndexOf("\x1b[?25l"), "cursor shown");
  assert.ok(/(^|\s)icanon\s/.test(afterChild), `not cooked: ${afterChild}`);
  assert.ok(/(^|\s)echo\s/.test(afterChild), `echo off: ${afterChild}`);
});
