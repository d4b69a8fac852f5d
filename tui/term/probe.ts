/**
 * The terminal capability probe: one burst of queries at start, DA1 last as the sentinel.
 *
 * Every terminal answers DA1 (`CSI c`) and answers queries in order, so when the DA1 reply arrives
 * every earlier query has been answered or ignored. A timeout (default 500 ms) covers terminals that
 * answer nothing. Inside tmux or screen the graphics queries are wrapped in DCS passthrough; the
 * multiplexer answers a plain DA1 itself, and a second DA1 (wrapped) proves the passthrough reaches
 * the real terminal. Bytes that are not replies (the user typing) come back as `leftover`.
 *
 * The probe is pure over injected I/O.
 *
 * @example
 * ```ts
 * const { caps, notes, leftover } = await probeTerminal({
 *   write: (bytes) => output.write(bytes), input: (listener) => session.onInput(listener),
 *   env: Deno.env.toObject(), now: () => performance.now(),
 * });
 * ```
 * @module
 */

import type { RenderCapabilities } from "../render/capabilities.ts";
import { markCellSizeGuessed } from "../render/layout.ts";
import { InputParser, type Params, type ParserHandler, StringKind } from "./parser.ts";
import { cellSizeFromWindow } from "./winsize.ts";

export type { RenderCapabilities };

/** What the probe needs from the outside world. */
export interface ProbeIO {
  /** Sends bytes to the terminal. */
  write(bytes: Uint8Array): void;
  /** Subscribes to input chunks (valid during the call only); returns the unsubscribe function. */
  input(listener: (chunk: Uint8Array) => void): () => void;
  env: Record<string, string>;
  now(): number;
  /** How long to wait for the sentinel reply (default 500 ms). */
  timeoutMs?: number;
  /** Starts a timer; returns its cancel function (default: the global setTimeout). */
  setTimer?(callback: () => void, delayMs: number): () => void;
  /**
   * Terminal size from the tty, used when the terminal does not answer `CSI 18 t`; with the text
   * area in pixels (TIOCGWINSZ `ws_xpixel`/`ws_ypixel`, 0 or absent when unknown), which gives the
   * cell size when the terminal answers neither `CSI 16 t` nor `CSI 14 t` (xterm's default).
   */
  size?: { cols: number; rows: number; xpixel?: number; ypixel?: number };
}

/** What the probe found. */
export interface ProbeResult {
  caps: RenderCapabilities;
  /** Human-readable findings and fallbacks, one per line. */
  notes: string[];
  /** Input bytes that arrived during the probe and were not replies, in order. */
  leftover: Uint8Array;
  /** The terminal answered `CSI ? u`: the kitty keyboard protocol can be pushed. */
  kittyKeyboard: boolean;
  /** Whether the sentinel came back before the timeout. */
  answered: boolean;
}

const ESC = "\x1b";
const KITTY_GRAPHICS_QUERY = `${ESC}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA${ESC}\\`;
/** Queries that go to the real terminal (wrapped when behind a multiplexer); DA1 is added last. */
const GRAPHICS_QUERIES = [
  `${ESC}[?1;1S`, // XTSMGRAPHICS: number of sixel colour registers
  `${ESC}[14t`, // text area in pixels
  `${ESC}[16t`, // cell size in pixels
  `${ESC}[18t`, // text area in cells
];
const SYNC_QUERY = `${ESC}[?2026$p`;
const KITTY_KEYBOARD_QUERY = `${ESC}[?u`;
const DA1 = `${ESC}[c`;

type Multiplexer = "none" | "tmux" | "screen";

function detectMultiplexer(env: Record<string, string>): Multiplexer {
  if (env.TMUX) return "tmux";
  if (env.STY || (env.TERM ?? "").startsWith("screen")) return "screen";
  return "none";
}

/** tmux passthrough: `ESC P tmux; <payload with every ESC doubled> ESC \`. */
function wrapTmux(query: string): string {
  return `${ESC}Ptmux;${query.replaceAll(ESC, ESC + ESC)}${ESC}\\`;
}

/** screen passthrough: `ESC P <payload> ESC \` (a payload may not contain ST). */
function wrapScreen(query: string): string {
  return `${ESC}P${query}${ESC}\\`;
}

/** Colour depth from COLORTERM / TERM / TERM_PROGRAM hints. */
export function colorsFromEnv(env: Record<string, string>): RenderCapabilities["colors"] {
  const colorterm = (env.COLORTERM ?? "").toLowerCase();
  const term = env.TERM ?? "";
  if (colorterm === "truecolor" || colorterm === "24bit") return "truecolor";
  if (term.includes("direct") || term === "xterm-kitty" || term === "xterm-ghostty") return "truecolor";
  if (["iTerm.app", "WezTerm", "vscode", "ghostty"].includes(env.TERM_PROGRAM ?? "")) return "truecolor";
  if (term.includes("256color")) return 256;
  return 16;
}

/** Collects replies; everything else it sees is user input. */
class ReplyCollector implements ParserHandler {
  /** A reply was recognised in the current unit of input. */
  sawReply = false;
  /** The user pressed Escape right before a reply (ESC ESC ...): the first ESC is user input. */
  escapeKeys = 0;
  da1Replies: number[][] = [];
  registers = 0;
  textPx: [number, number] | null = null;
  cellPx: [number, number] | null = null;
  cells: [number, number] | null = null;
  sync: boolean | null = null;
  kittyKeyboard = false;
  kittyGraphics: boolean | null = null;
  /** Replies that arrived after the multiplexer's own DA1 (so through passthrough). */
  repliesAfterFirstDa1 = 0;

  print(): void {}
  execute(code: number): void {
    if (code === 0x1b) this.escapeKeys++;
  }
  escDispatch(): void {}
  ss3Dispatch(): void {}
  dcsDispatch(): void {}

  csiDispatch(params: Params, collected: number, final: number): void {
    if (collected === 0x3f && final === 0x63) { // CSI ? ... c
      this.da1Replies.push(params.toArray());
      this.sawReply = true;
      return;
    } else if (collected === 0x3f && final === 0x53) { // CSI ? 1 ; status ; value S
      if (params.get(0, 0) === 1 && params.get(1, -1) === 0) this.registers = params.get(2, 0);
    } else if (collected === 0 && final === 0x74) { // CSI 4|6|8 ; a ; b t
      const a = params.get(1, 0), b = params.get(2, 0);
      const kind = params.get(0, 0);
      if (kind === 4) this.textPx = [b, a];
      else if (kind === 6) this.cellPx = [b, a];
      else if (kind === 8) this.cells = [b, a];
      else return;
    } else if (collected === 0x3f24 && final === 0x79) { // CSI ? 2026 ; Ps $ y
      if (params.get(0, 0) !== 2026) return;
      const status = params.get(1, 0);
      this.sync = status === 1 || status === 2 || status === 3;
    } else if (collected === 0x3f && final === 0x75) { // CSI ? flags u
      this.kittyKeyboard = true;
    } else {
      return;
    }
    this.noteReply();
  }

  stringDispatch(kind: number, data: Uint8Array, length: number): void {
    if (kind !== StringKind.APC || length < 1 || data[0] !== 0x47) return; // APC G...
    const text = new TextDecoder().decode(data.subarray(0, length));
    if (!text.includes("i=31")) return;
    this.kittyGraphics = text.endsWith(";OK");
    this.noteReply();
  }

  private noteReply(): void {
    this.sawReply = true;
    if (this.da1Replies.length > 0) this.repliesAfterFirstDa1++;
  }
}

/**
 * Probes the terminal once. Never rejects: whatever is not answered keeps its default.
 *
 * @example
 * ```ts
 * const result = await probeTerminal(io);
 * if (result.caps.sixel) console.log("sixel", result.caps.sixelRegisters);
 * ```
 */
export function probeTerminal(io: ProbeIO): Promise<ProbeResult> {
  const timeoutMs = io.timeoutMs ?? 500;
  const multiplexer = detectMultiplexer(io.env);
  const setTimer = io.setTimer ?? ((callback: () => void, delayMs: number) => {
    const id = setTimeout(callback, delayMs);
    return () => clearTimeout(id);
  });
  const collector = new ReplyCollector();
  const parser = new InputParser(collector);
  const leftover: number[] = [];
  /** Bytes of the sequence in progress, kept until we know whether it was a reply. */
  const unit: number[] = [];
  // Behind a multiplexer two DA1 replies come back: the multiplexer's, then the real terminal's.
  const expectedDa1 = multiplexer === "none" ? 1 : 2;
  const started = io.now();

  let burst: string;
  if (multiplexer === "none") {
    burst = [...GRAPHICS_QUERIES, KITTY_GRAPHICS_QUERY, SYNC_QUERY, KITTY_KEYBOARD_QUERY, DA1].join("");
  } else {
    const wrap = multiplexer === "tmux" ? wrapTmux : wrapScreen;
    // screen cannot pass a payload that contains ST, so no kitty graphics query through it.
    const passed = multiplexer === "tmux" ? [...GRAPHICS_QUERIES, KITTY_GRAPHICS_QUERY] : GRAPHICS_QUERIES;
    burst = [
      SYNC_QUERY,
      KITTY_KEYBOARD_QUERY,
      `${ESC}[16t`,
      `${ESC}[14t`,
      DA1,
      ...passed.map(wrap),
      wrap(DA1),
    ]
      .join("");
  }

  return new Promise((resolve) => {
    let done = false;
    let cancelTimer = (): void => {};
    let unsubscribe = (): void => {};

    const finish = (answered: boolean): void => {
      if (done) return;
      done = true;
      cancelTimer();
      unsubscribe();
      leftover.push(...unit); // an unfinished sequence (e.g. a lone ESC the user typed) is input
      resolve(
        buildResult(collector, multiplexer, io, answered, io.now() - started, Uint8Array.from(leftover)),
      );
    };

    const onChunk = (chunk: Uint8Array): void => {
      if (done) return;
      for (let i = 0; i < chunk.length; i++) {
        const escapesBefore = collector.escapeKeys;
        parser.parse(chunk, i, i + 1);
        if (collector.escapeKeys !== escapesBefore) {
          // ESC ESC: the first ESC was the Escape key; the unit restarts at this ESC.
          leftover.push(...unit);
          unit.length = 0;
        }
        unit.push(chunk[i]);
        if (!parser.idle) continue;
        if (!collector.sawReply) leftover.push(...unit);
        unit.length = 0;
        collector.sawReply = false;
        if (collector.da1Replies.length >= expectedDa1) {
          for (let rest = i + 1; rest < chunk.length; rest++) leftover.push(chunk[rest]); // typed after
          finish(true);
          return;
        }
      }
    };

    unsubscribe = io.input(onChunk);
    if (done) return;
    cancelTimer = setTimer(() => finish(false), timeoutMs);
    io.write(new TextEncoder().encode(burst));
  });
}

function buildResult(
  replies: ReplyCollector,
  multiplexer: Multiplexer,
  io: ProbeIO,
  answered: boolean,
  elapsedMs: number,
  leftover: Uint8Array,
): ProbeResult {
  const notes: string[] = [];
  const caps: RenderCapabilities = {
    colors: colorsFromEnv(io.env),
    sixel: false,
    sixelRegisters: 0,
    kitty: false,
    syncOutput: replies.sync === true,
    cellWidthPx: 0,
    cellHeightPx: 0,
    cols: io.size?.cols ?? 80,
    rows: io.size?.rows ?? 24,
    passthrough: "none",
  };
  if (!answered) {
    notes.push(
      replies.da1Replies.length === 0
        ? `terminal did not answer within ${io.timeoutMs ?? 500} ms: text output with defaults`
        : `no reply through ${multiplexer} passthrough within ${io.timeoutMs ?? 500} ms`,
    );
  } else {
    notes.push(`terminal answered in ${Math.round(elapsedMs)} ms`);
  }

  const ownDa1 = replies.da1Replies[0];
  const outerDa1 = multiplexer === "none" ? ownDa1 : replies.da1Replies[1];
  const passthroughWorked = multiplexer !== "none" &&
    (outerDa1 !== undefined || replies.repliesAfterFirstDa1 > 0);

  if (multiplexer === "none") {
    caps.sixel = ownDa1?.slice(1).includes(4) ?? false;
    caps.kitty = replies.kittyGraphics === true;
  } else if (passthroughWorked) {
    caps.passthrough = multiplexer;
    caps.sixel = outerDa1?.slice(1).includes(4) ?? false;
    caps.kitty = replies.kittyGraphics === true;
    notes.push(`${multiplexer}: passthrough works; graphics are wrapped for the outer terminal`);
  } else {
    // The multiplexer itself may draw sixel (tmux 3.4+ built with sixel support).
    caps.sixel = ownDa1?.slice(1).includes(4) ?? false;
    notes.push(
      multiplexer === "tmux"
        ? "tmux: no reply came through passthrough (try `set -g allow-passthrough on`): " +
          (caps.sixel ? "using tmux's own sixel support, no kitty graphics" : "no sixel or kitty graphics")
        : "screen: no reply came through passthrough: no sixel or kitty graphics",
    );
  }

  if (caps.sixel) {
    caps.sixelRegisters = replies.registers > 0 ? replies.registers : 256;
    if (replies.registers === 0) notes.push("sixel colour registers not reported: assuming 256");
  }
  if (replies.cells) {
    caps.cols = replies.cells[0] || caps.cols;
    caps.rows = replies.cells[1] || caps.rows;
  }
  if (replies.cellPx && replies.cellPx[0] > 0 && replies.cellPx[1] > 0) {
    [caps.cellWidthPx, caps.cellHeightPx] = replies.cellPx;
  } else if (replies.textPx && replies.textPx[0] > 0 && caps.cols > 0 && caps.rows > 0) {
    caps.cellWidthPx = Math.floor(replies.textPx[0] / caps.cols);
    caps.cellHeightPx = Math.floor(replies.textPx[1] / caps.rows);
  }
  if (caps.cellWidthPx === 0 || caps.cellHeightPx === 0) {
    const size = io.size;
    const cell = size === undefined ? null : cellSizeFromWindow({
      cols: size.cols,
      rows: size.rows,
      xpixel: size.xpixel ?? 0,
      ypixel: size.ypixel ?? 0,
    });
    if (cell !== null) {
      caps.cellWidthPx = cell.width;
      caps.cellHeightPx = cell.height;
      notes.push(
        `cell size not reported: ${cell.width}×${cell.height} px from the tty's window size ` +
          `(${size?.xpixel}×${size?.ypixel} px for ${size?.cols}×${size?.rows} cells)`,
      );
    }
  }
  if ((caps.sixel || caps.kitty) && caps.cellWidthPx === 0) notes.push("cell size in pixels unknown");

  notes.push(
    `colours: ${caps.colors}; sixel: ${caps.sixel ? `yes (${caps.sixelRegisters} registers)` : "no"}; ` +
      `kitty graphics: ${caps.kitty ? "yes" : "no"}; synchronized output: ${
        caps.syncOutput ? "yes" : "no"
      }; ` +
      `kitty keyboard: ${replies.kittyKeyboard ? "yes" : "no"}`,
  );
  return { caps, notes, leftover, kittyKeyboard: replies.kittyKeyboard, answered };
}

/** User choices that override the probe. */
export interface CapabilityOverrides {
  render?: "auto" | "text" | "halfblock" | "sixel" | "kitty";
  colors?: 16 | 256 | "truecolor";
}

/**
 * Applies `--render` / `--colors` choices. Forcing a graphics protocol the probe did not find is
 * allowed (probes can miss); it is noted.
 *
 * @example
 * ```ts
 * const { caps, notes } = applyOverrides(probed.caps, { render: "sixel" });
 * ```
 */
export function applyOverrides(
  probed: RenderCapabilities,
  overrides: CapabilityOverrides,
): { caps: RenderCapabilities; notes: string[] } {
  const caps = { ...probed };
  const notes: string[] = [];
  switch (overrides.render ?? "auto") {
    case "text":
    case "halfblock":
      caps.sixel = false;
      caps.kitty = false;
      notes.push(`render: ${overrides.render} chosen: graphics protocols off`);
      break;
    case "sixel":
      if (!probed.sixel) notes.push("render: sixel forced although the probe did not find it");
      caps.sixel = true;
      caps.kitty = false;
      if (caps.sixelRegisters === 0) caps.sixelRegisters = 256;
      break;
    case "kitty":
      if (!probed.kitty) notes.push("render: kitty graphics forced although the probe did not find them");
      caps.kitty = true;
      caps.sixel = false;
      break;
  }
  if ((caps.sixel || caps.kitty) && (caps.cellWidthPx === 0 || caps.cellHeightPx === 0)) {
    caps.cellWidthPx = 8;
    caps.cellHeightPx = 16;
    markCellSizeGuessed(caps);
    notes.push("cell size unknown: assuming 8×16 pixels (sixel pictures go out as one image)");
  }
  if (overrides.colors !== undefined && overrides.colors !== probed.colors) {
    notes.push(`colours: ${overrides.colors} forced (the probe found ${probed.colors})`);
    caps.colors = overrides.colors;
  }
  return { caps, notes };
}
