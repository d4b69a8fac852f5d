/**
 * The whole program in a PTY (node-pty): the demo menu appears, "2" starts snake, arrow keys change
 * the picture, Ctrl-] q quits, and the terminal is left as it was found (alternate screen left,
 * cursor shown, cooked mode: `stty -a` in the same PTY afterwards shows `icanon` and `echo`).
 * The PTY output is replayed into @xterm/headless, which also answers the terminal probe.
 */
import assert from "node:assert/strict";
import * as pty from "node-pty";
import { COLS, ROOT, ROWS, screen, Terminal, waitFor } from "./pty_harness.ts";

Deno.test("tty86 in a PTY: demo menu, snake with arrow keys, Ctrl-] q, terminal restored", async () => {
  const script = `'${Deno.execPath()}' run -A main.ts run --render halfblock; echo "EXIT=$?"; stty -a`;
  const child = pty.spawn("/bin/sh", ["-c", script], {
    cols: COLS,
    rows: ROWS,
    name: "xterm-256color",
    cwd: ROOT,
    env: { ...Deno.env.toObject(), TERM: "xterm-256color", COLORTERM: "truecolor" },
  });
  const term = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true, scrollback: 0 });
  // The probe's queries are answered by the headless terminal, as a real one would.
  term.onData((reply: string) => child.write(reply));
  let output = "";
  let exited = false;
  child.onData((data: string) => {
    output += data;
    term.write(data);
  });
  child.onExit(() => (exited = true));
  try {
    await waitFor("the demo menu", () => screen(term).includes("demo disk"));
    assert.ok(output.includes("\x1b[?1049h"), "entered the alternate screen");

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
    await waitFor("exit", () => exited && output.includes("EXIT="), 10_000);
  } finally {
    if (!exited) child.kill();
    term.dispose();
  }
  const at = output.indexOf("EXIT=");
  const afterChild = output.slice(at);
  const beforeExit = output.slice(0, at);
  assert.ok(afterChild.startsWith("EXIT=0"), afterChild.slice(0, 200));
  assert.ok(
    beforeExit.lastIndexOf("\x1b[?1049l") > beforeExit.lastIndexOf("\x1b[?1049h"),
    "left the alt screen",
  );
  assert.ok(beforeExit.lastIndexOf("\x1b[?25h") > beforeExit.lastIndexOf("\x1b[?25l"), "cursor shown");
  assert.ok(/(^|\s)icanon\s/.test(afterChild), `not cooked: ${afterChild}`);
  assert.ok(/(^|\s)echo\s/.test(afterChild), `echo off: ${afterChild}`);
});
