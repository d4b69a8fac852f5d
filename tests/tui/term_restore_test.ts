/**
 * Terminal restore on every exit path, in a real PTY (node-pty under Deno): a child enters a
 * TerminalSession, is ended one way or another, and the same PTY then runs `stty -a`.
 */

import assert from "node:assert/strict";
import * as pty from "node-pty";

const FIXTURE = new URL("../fixtures/term_restore_child.ts", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;
/** Leaving: kitty pop, paste off, SGR reset, cursor shape reset, cursor shown, alternate screen left. */
const RESTORE = "\x1b[<u\x1b[?2004l\x1b[0m\x1b[0 q\x1b[?25h\x1b[?1049l";

/** Runs the child in a PTY; `end` is a byte typed after READY or a signal sent to the child. */
function runChild(end: string): Promise<{ output: string; afterChild: string }> {
  const script = `'${Deno.execPath()}' run -A '${FIXTURE}' --kitty; echo "EXIT=$?"; stty -a`;
  const child = pty.spawn("/bin/sh", ["-c", script], { cols: 80, rows: 24, name: "xterm", cwd: ROOT });
  let output = "";
  let ended = false;
  return new Promise((resolve) => {
    child.onData((data: string) => {
      output += data;
      const ready = /READY (\d+)/.exec(output);
      if (ready && !ended) {
        ended = true;
        if (end.startsWith("SIG")) Deno.kill(Number(ready[1]), end as Deno.Signal);
        else child.write(end);
      }
    });
    // A child that never ends fails the test (the assertions below say what was seen) instead of hanging it.
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.onExit(() => {
      clearTimeout(timer);
      const at = output.indexOf("EXIT=");
      resolve({ output, afterChild: at < 0 ? "" : output.slice(at) });
    });
  });
}

function assertRestored(output: string, afterChild: string, exitCode: number): void {
  const ready = output.indexOf("READY");
  assert.ok(ready >= 0, `child never got ready: ${JSON.stringify(output)}`);
  assert.ok(output.slice(0, ready).includes("\x1b[?1049h\x1b[?25l"), "entered the alternate screen");
  assert.ok(output.slice(ready).includes(RESTORE), `no restore sequence: ${JSON.stringify(output)}`);
  assert.ok(afterChild.startsWith(`EXIT=${exitCode}\r\n`), afterChild);
  // Cooked mode again: canonical input, echo and signals on (stty prints "-icanon" when off).
  assert.ok(/(^|\s)icanon\s/.test(afterChild), `not cooked: ${afterChild}`);
  assert.ok(/(^|\s)echo\s/.test(afterChild), `echo off: ${afterChild}`);
  assert.ok(/(^|\s)isig\s/.test(afterChild), `isig off: ${afterChild}`);
}

const cases: [string, string, number][] = [
  ["normal quit", "q", 0],
  ["SIGTERM", "SIGTERM", 143],
  ["SIGHUP", "SIGHUP", 129],
  ["SIGINT", "SIGINT", 130],
  ["an uncaught exception", "t", 1],
  ["an unhandled rejection", "r", 1],
  ["Deno.exit without closing the session", "x", 3],
];

for (const [name, end, exitCode] of cases) {
  Deno.test(`terminal is restored to cooked mode after ${name}`, async () => {
    const { output, afterChild } = await runChild(end);
    assertRestored(output, afterChild, exitCode);
  });
}
