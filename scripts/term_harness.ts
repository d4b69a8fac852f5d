/**
 * Small helpers for driving tty86 inside real terminals (tmux, ssh, xterm under Xvfb):
 * finding tools, bounded waits, running commands, a tmux session wrapper, and a reader for
 * `tmux capture-pane -p -e` output that turns half-block cells back into pixel colours.
 *
 * Used by bench/ssh.ts, scripts/xterm_screenshot.ts and their tests.
 * @module
 */

/** True when `name` is an executable on PATH (or an absolute path that exists). */
export function hasTool(name: string): boolean {
  return findTool(name) !== undefined;
}

/** The full path of `name` on PATH (or `name` itself if absolute and present). */
export function findTool(name: string): string | undefined {
  const candidates = name.includes("/")
    ? [name]
    : [...(Deno.env.get("PATH") ?? "").split(":"), "/usr/sbin", "/sbin"].filter((d) => d !== "")
      .map((d) => `${d}/${name}`);
  for (const path of candidates) {
    try {
      const info = Deno.statSync(path);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The tools from `names` that are missing. */
export function missingTools(names: string[]): string[] {
  return names.filter((n) => !hasTool(n));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes; returns the last result. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (performance.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** Result of {@link run}. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after `timeoutMs`, default 20 s). */
export async function run(
  cmd: string,
  args: string[],
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: options.env,
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, options.timeoutMs ?? 20_000);
  try {
    const out = await child.output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a command and throws with its stderr when it fails. */
export async function runOk(
  cmd: string,
  args: string[],
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<string> {
  const r = await run(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Quotes one word for a POSIX shell. */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Stops a child process: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopChild(child: Deno.ChildProcess, graceMs = 3000): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    return; // already exited
  }
  const done = child.status.then(() => true);
  const exited = await Promise.race([done, sleep(graceMs).then(() => false)]);
  if (!exited) {
    try {
      child.kill("SIGKILL");
    } catch {
      // gone meanwhile
    }
    await done;
  }
}

/** A private tmux server (its own socket, no user config) with one session. */
export class Tmux {
  readonly socket: string;
  readonly session = "t";

  constructor(socket: string) {
    this.socket = socket;
  }

  private cmd(args: string[], timeoutMs = 10_000): Promise<string> {
    return runOk("tmux", ["-S", this.socket, "-f", "/dev/null", ...args], { timeoutMs });
  }

  /** Starts the session running `command` (through sh -c) in a `cols`x`rows` window. */
  async start(command: string, cols: number, rows: number, term = "tmux-256color"): Promise<void> {
    await this.cmd([
      "start-server",
      ";",
      "set-option",
      "-g",
      "default-terminal",
      term,
      ";",
      "new-session",
      "-d",
      "-s",
      this.session,
      "-x",
      String(cols),
      "-y",
      String(rows),
      command,
    ]);
    // Keep the pane after the command exits so the last screen can still be read.
    await this.cmd(["set-option", "-t", this.session, "remain-on-exit", "on"]);
  }

  /** Sends tmux key names (`1`, `Escape`, `Up`, `C-]`...). */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.cmd(["send-keys", "-t", this.session, ...keys]);
  }

  /** The visible pane; with `escapes`, SGR colour sequences included. */
  capture(escapes = true): Promise<string> {
    return this.cmd(["capture-pane", "-p", "-N", "-t", this.session, ...(escapes ? ["-e"] : [])]);
  }

  /** Whether the pane's command has exited. */
  async paneDead(): Promise<boolean> {
    const out = await this.cmd(["display-message", "-p", "-t", this.session, "#{pane_dead}"]);
    return out.trim() === "1";
  }

  /** Kills the tmux server (and anything still running in it). */
  async kill(): Promise<void> {
    await run("tmux", ["-S", this.socket, "kill-server"], { timeoutMs: 5000 });
  }
}

/** An RGB colour. */
export type Rgb = readonly [number, number, number];

/** One cell of a captured pane. */
export interface Cell {
  ch: string;
  fg: Rgb | undefined;
  bg: Rgb | undefined;
}

const ANSI16: Rgb[] = [
  [0, 0, 0],
  [205, 0, 0],
  [0, 205, 0],
  [205, 205, 0],
  [0, 0, 238],
  [205, 0, 205],
  [0, 205, 205],
  [229, 229, 229],
  [127, 127, 127],
  [255, 0, 0],
  [0, 255, 0],
  [255, 255, 0],
  [92, 92, 255],
  [255, 0, 255],
  [0, 255, 255],
  [255, 255, 255],
];

/** The xterm 256-colour palette entry `n`. */
export function xterm256(n: number): Rgb {
  if (n < 16) return ANSI16[n];
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return [level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6)];
  }
  const g = 8 + (n - 232) * 10;
  return [g, g, g];
}

/** Parses `tmux capture-pane -p -e` output into rows of cells (SGR colours applied). */
export function parseCapture(text: string): Cell[][] {
  const rows: Cell[][] = [];
  let fg: Rgb | undefined;
  let bg: Rgb | undefined;
  for (const line of text.split("\n")) {
    const row: Cell[] = [];
    const chars = [...line];
    for (let i = 0; i < chars.length; i++) {
      if (chars[i] === "\x1b" && chars[i + 1] === "[") {
        let j = i + 2;
        while (j < chars.length && !/[@-~]/.test(chars[j])) j++;
        if (chars[j] === "m") {
          const params = chars.slice(i + 2, j).join("").split(/[;:]/).map((p) => (p === "" ? 0 : Number(p)));
          [fg, bg] = applySgr(params, fg, bg);
        }
        i = j;
        continue;
      }
      row.push({ ch: chars[i], fg, bg });
    }
    rows.push(row);
  }
  while (rows.length > 0 && rows[rows.length - 1].length === 0) rows.pop();
  return rows;
}

function applySgr(p: number[], fg: Rgb | undefined, bg: Rgb | undefined): [Rgb | undefined, Rgb | undefined] {
  if (p.length === 0) return [undefined, undefined];
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (v === 0) [fg, bg] = [undefined, undefined];
    else if (v >= 30 && v <= 37) fg = ANSI16[v - 30];
    else if (v >= 90 && v <= 97) fg = ANSI16[v - 90 + 8];
    else if (v >= 40 && v <= 47) bg = ANSI16[v - 40];
    else if (v >= 100 && v <= 107) bg = ANSI16[v - 100 + 8];
    else if (v === 39) fg = undefined;
    else if (v === 49) bg = undefined;
    else if (v === 38 || v === 48) {
      let colour: Rgb | undefined;
      if (p[i + 1] === 5) {
        colour = xterm256(p[i + 2] ?? 0);
        i += 2;
      } else if (p[i + 1] === 2) {
        colour = [p[i + 2] ?? 0, p[i + 3] ?? 0, p[i + 4] ?? 0];
        i += 4;
      }
      if (v === 38) fg = colour;
      else bg = colour;
    }
  }
  return [fg, bg];
}

const DEFAULT_FG: Rgb = [229, 229, 229];
const DEFAULT_BG: Rgb = [0, 0, 0];

/**
 * The two "pixels" (top, bottom) a cell shows when read as a half-block: `▀` is fg over bg, `▄` bg
 * over fg, `█` fg twice, a blank bg twice; any other character counts as its background.
 */
export function cellPixels(cell: Cell): [Rgb, Rgb] {
  const fg = cell.fg ?? DEFAULT_FG;
  const bg = cell.bg ?? DEFAULT_BG;
  switch (cell.ch) {
    case "▀":
      return [fg, bg];
    case "▄":
      return [bg, fg];
    case "█":
      return [fg, fg];
    default:
      return [bg, bg];
  }
}

/** Fire palette colours: red through orange to yellow (not white, not dark). */
export function isFireColour([r, g, b]: Rgb): boolean {
  return r >= 128 && g <= r && b < r * 0.6;
}

/** Colour classes of CGA palette 1 (cyan, magenta, white). */
export function cgaClass([r, g, b]: Rgb): "cyan" | "magenta" | "white" | undefined {
  if (r >= 170 && g >= 170 && b >= 170) return "white";
  if (g >= 150 && b >= 150 && r < 120) return "cyan";
  if (r >= 150 && b >= 150 && g < 120) return "magenta";
  return undefined;
}

/** Summary of a captured screen read as half-block pixels. */
export interface ScreenStats {
  rows: number;
  cells: number;
  /** Cells holding ▀ ▄ █. */
  blockCells: number;
  /** Share of fire-coloured pixels in the lower half of the screen. */
  fireShareLower: number;
  cga: { cyan: number; magenta: number; white: number };
  /** Distinct pixel colours. */
  colours: number;
}

/** Computes {@link ScreenStats} for parsed capture rows. */
export function screenStats(rows: Cell[][]): ScreenStats {
  let cells = 0, blockCells = 0, lowerPixels = 0, lowerFire = 0;
  const cga = { cyan: 0, magenta: 0, white: 0 };
  const colours = new Set<string>();
  rows.forEach((row, y) => {
    for (const cell of row) {
      cells++;
      if (cell.ch === "▀" || cell.ch === "▄" || cell.ch === "█") blockCells++;
      for (const px of cellPixels(cell)) {
        colours.add(px.join(","));
        if (y >= rows.length / 2) {
          lowerPixels++;
          if (isFireColour(px)) lowerFire++;
        }
        const c = cgaClass(px);
        if (c !== undefined) cga[c]++;
      }
    }
  });
  return {
    rows: rows.length,
    cells,
    blockCells,
    fireShareLower: lowerPixels === 0 ? 0 : lowerFire / lowerPixels,
    cga,
    colours: colours.size,
  };
}

/** The plain text of parsed capture rows. */
export function captureText(rows: Cell[][]): string {
  return rows.map((r) => r.map((c) => c.ch).join("")).join("\n");
}
