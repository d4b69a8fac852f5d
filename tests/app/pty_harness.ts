/**
 * Shared pieces of the PTY tests: the repository root, the terminal size, a headless
 * terminal that replays the PTY's output (and answers tty86's probe), the screen as text,
 * and a bounded wait.
 */
import * as pty from "node-pty";
import xterm from "@xterm/headless";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const COLS = 100;
export const ROWS = 40;

type XtermModule = typeof xterm & { default?: typeof xterm };
/** @xterm/headless's Terminal class (the package's default export differs between loaders). */
export const Terminal = ((xterm as XtermModule).default ?? xterm).Terminal;

/** The visible screen as text. */
export function screen(term: InstanceType<typeof Terminal>): string {
  const lines: string[] = [];
  const buffer = term.buffer.active;
  for (let i = 0; i < term.rows; i++) {
    lines.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? "");
  }
  return lines.join("\n");
}

/** Polls `test` every 50 ms; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, test: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = performance.now();
  while (!test()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * tty86 (or any shell script) running in a real PTY whose output is replayed into a headless
 * terminal; the headless terminal answers the program's probe queries, as a real one would.
 */
export class PtyRun {
  readonly child: pty.IPty;
  readonly term: InstanceType<typeof Terminal>;
  /** Everything the program wrote so far. */
  output = "";
  exited = false;

  constructor(script: string) {
    this.child = pty.spawn("/bin/sh", ["-c", script], {
      cols: COLS,
      rows: ROWS,
      name: "xterm-256color",
      cwd: ROOT,
      env: { ...Deno.env.toObject(), TERM: "xterm-256color", COLORTERM: "truecolor" },
    });
    this.term = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true, scrollback: 0 });
    this.term.onData((reply: string) => this.child.write(reply));
    this.child.onData((data: string) => {
      this.output += data;
      this.term.write(data);
    });
    this.child.onExit(() => (this.exited = true));
  }
}
