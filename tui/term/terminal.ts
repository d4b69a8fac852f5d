/**
 * The terminal session: raw mode, alternate screen, bracketed paste, kitty keyboard flags, and their
 * restore on every exit path (quit, SIGINT, SIGTERM, SIGHUP, uncaught errors, unhandled rejections,
 * `Deno.exit`). Restore is synchronous, idempotent, and survives a terminal that is already gone.
 *
 * @example
 * ```ts
 * const session = TerminalSession.open();        // throws NotATerminalError without a tty
 * try {
 *   const probe = await session.start();          // raw mode, alternate screen, probe, paste, kitty
 *   session.onInput((bytes) => input.feed(bytes));
 *   input.feed(probe.leftover);
 *   ...
 * } finally {
 *   session.close();
 * }
 * ```
 * @module
 */

import { OutputWriter } from "./output.ts";
import { type ProbeResult, probeTerminal } from "./probe.ts";
import { cellSizeFromWindow, readWindowSize } from "./winsize.ts";

const CSI = "\x1b[";
const encoder = new TextEncoder();

/** Kitty keyboard flags we push: disambiguate (1) + report event types (2) + all keys as escapes (8). */
export const KITTY_KEYBOARD_FLAGS = 1 | 2 | 8;

/** Thrown by {@link TerminalSession.open} when stdin or stdout is not a terminal. */
export class NotATerminalError extends Error {
  constructor(stream: "stdin" | "stdout") {
    super(`tty86: ${stream} is not a terminal; use --headless`);
    this.name = "NotATerminalError";
  }
}

/** Terminal size in cells, with the text area in pixels when the tty knows it. */
export interface TerminalSize {
  cols: number;
  rows: number;
  /** TIOCGWINSZ `ws_xpixel`/`ws_ypixel`: absent or 0 when unknown (no FFI, or the terminal leaves them 0). */
  xpixel?: number;
  ypixel?: number;
}

/**
 * The cell size a {@link TerminalSize} implies (`floor(xpixel / cols) × floor(ypixel / rows)`), or null
 * without pixel fields. A resize listener uses it to follow font changes (SIGWINCH).
 *
 * @example
 * ```ts
 * session.onResize((size) => {
 *   const cell = cellSizeOf(size); // { width: 6, height: 13 } in xterm with the 6x13 font
 * });
 * ```
 */
export function cellSizeOf(size: TerminalSize): { width: number; height: number } | null {
  return cellSizeFromWindow({
    cols: size.cols,
    rows: size.rows,
    xpixel: size.xpixel ?? 0,
    ypixel: size.ypixel ?? 0,
  });
}

/** Options of {@link TerminalSession.start}. */
export interface StartOptions {
  /** Probe the terminal (default true); false gives text-only defaults. */
  probe?: boolean;
  /** Probe timeout (default 500 ms). */
  probeTimeoutMs?: number;
  /** Push the kitty keyboard protocol even if the probe did not find it (tests, `--kitty-keys`). */
  forceKittyKeyboard?: boolean;
  /** Environment for the probe (default `Deno.env.toObject()`). */
  env?: Record<string, string>;
}

/** Exit codes used when a signal ends the program (128 + signal number, as shells report it). */
const SIGNAL_EXIT_CODES: Readonly<Record<"SIGINT" | "SIGTERM" | "SIGHUP", number>> = {
  SIGHUP: 129,
  SIGINT: 130,
  SIGTERM: 143,
};

/**
 * Owns the terminal from {@link start} to {@link close}.
 *
 * @example
 * ```ts
 * const session = TerminalSession.open();
 * session.onResize((size) => renderer.resize(size));
 * ```
 */
export class TerminalSession {
  /** Non-blocking output with backpressure accounting. */
  readonly output: OutputWriter = new OutputWriter(Deno.stdout);
  private rawMode = false;
  private screenEntered = false;
  private pasteEnabled = false;
  private kittyPushed = false;
  private restored = false;
  private handlersInstalled = false;
  private reading = false;
  private inputListener: ((chunk: Uint8Array) => void) | null = null;
  private resizeListener: ((size: TerminalSize) => void) | null = null;
  private inputClosedListener: (() => void) | null = null;
  private readonly signalHandlers: [Deno.Signal, () => void][] = [];
  private readonly onError = (): void => this.restore();
  private readonly onUnload = (): void => this.restore();

  private constructor() {}

  /**
   * Checks that stdin and stdout are terminals.
   *
   * @example
   * ```ts
   * try { TerminalSession.open(); } catch (e) { console.error((e as Error).message); Deno.exit(2); }
   * ```
   */
  static open(): TerminalSession {
    if (!Deno.stdin.isTerminal()) throw new NotATerminalError("stdin");
    if (!Deno.stdout.isTerminal()) throw new NotATerminalError("stdout");
    return new TerminalSession();
  }

  /** Current size from the tty: TIOCGWINSZ (with pixels) through FFI, else `Deno.consoleSize()`. */
  get size(): TerminalSize {
    const window = readWindowSize();
    if (window !== null) {
      return { cols: window.cols, rows: window.rows, xpixel: window.xpixel, ypixel: window.ypixel };
    }
    try {
      const { columns, rows } = Deno.consoleSize();
      return { cols: columns, rows };
    } catch {
      return { cols: 80, rows: 24 };
    }
  }

  /** Whether the kitty keyboard protocol (with release events) was pushed. */
  get kittyKeyboard(): boolean {
    return this.kittyPushed;
  }

  /**
   * Enters raw mode and the alternate screen, probes the terminal, then turns on bracketed paste and
   * (if found) the kitty keyboard protocol. Restore handlers are installed before anything changes.
   */
  async start(options: StartOptions = {}): Promise<ProbeResult> {
    this.installHandlers();
    Deno.stdin.setRaw(true);
    this.rawMode = true;
    this.startReading();
    this.screenEntered = true;
    this.output.write(encoder.encode(`${CSI}?1049h${CSI}?25l`));
    const env = options.env ?? Deno.env.toObject();
    const probe = options.probe === false ? this.unprobed(env) : await probeTerminal({
      write: (bytes) => this.output.write(bytes),
      input: (listener) => this.onInput(listener),
      env,
      now: () => performance.now(),
      timeoutMs: options.probeTimeoutMs,
      size: this.size,
    });
    let setup = `${CSI}?2004h`;
    this.pasteEnabled = true;
    if (probe.kittyKeyboard || options.forceKittyKeyboard) {
      setup += `${CSI}>${KITTY_KEYBOARD_FLAGS}u`;
      this.kittyPushed = true;
    }
    this.output.write(encoder.encode(`${setup}${CSI}0m${CSI}2J${CSI}H`));
    return probe;
  }

  /** Sets the one input listener (raw bytes, valid during the call only); returns its remover. */
  onInput(listener: (chunk: Uint8Array) => void): () => void {
    this.inputListener = listener;
    return () => {
      if (this.inputListener === listener) this.inputListener = null;
    };
  }

  /** Sets the listener for window size changes (SIGWINCH). */
  onResize(listener: (size: TerminalSize) => void): void {
    this.resizeListener = listener;
  }

  /** Sets the listener for the end of input (the terminal went away). */
  onInputClosed(listener: () => void): void {
    this.inputClosedListener = listener;
  }

  /**
   * Puts the terminal back exactly as it was: the reverse of {@link start}. Synchronous, idempotent,
   * and silent when the terminal is gone (EIO/EPIPE after an SSH drop).
   */
  restore(): void {
    if (this.restored) return;
    this.restored = true;
    this.output.close();
    // CAN first: if a write was cut mid-sequence (a sixel image, say), the terminal drops it.
    let sequence = "\x18";
    if (this.screenEntered) sequence += `${CSI}?2026l`;
    if (this.kittyPushed) sequence += `${CSI}<u`;
    if (this.pasteEnabled) sequence += `${CSI}?2004l`;
    if (this.screenEntered) sequence += `${CSI}0m${CSI}0 q${CSI}?25h${CSI}?1049l`;
    writeAllSync(encoder.encode(sequence));
    if (this.rawMode) {
      try {
        Deno.stdin.setRaw(false);
      } catch {
        // The terminal is gone; nothing left to restore.
      }
      this.rawMode = false;
    }
  }

  /** Restores the terminal and removes every handler (normal quit). */
  close(): void {
    this.restore();
    this.removeHandlers();
    this.inputListener = null;
  }

  private unprobed(env: Record<string, string>): ProbeResult {
    const size = this.size;
    return {
      caps: {
        colors: env.COLORTERM === "truecolor" ? "truecolor" : 16,
        sixel: false,
        sixelRegisters: 0,
        kitty: false,
        syncOutput: false,
        cellWidthPx: 0,
        cellHeightPx: 0,
        cols: size.cols,
        rows: size.rows,
        passthrough: "none",
      },
      notes: ["probe skipped"],
      leftover: new Uint8Array(0),
      kittyKeyboard: false,
      answered: false,
    };
  }

  private installHandlers(): void {
    if (this.handlersInstalled) return;
    this.handlersInstalled = true;
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      const handler = (): void => {
        this.restore();
        Deno.exit(SIGNAL_EXIT_CODES[signal]);
      };
      this.addSignal(signal, handler);
    }
    this.addSignal("SIGWINCH", () => this.resizeListener?.(this.size));
    globalThis.addEventListener("error", this.onError);
    globalThis.addEventListener("unhandledrejection", this.onError);
    globalThis.addEventListener("unload", this.onUnload);
  }

  private addSignal(signal: Deno.Signal, handler: () => void): void {
    try {
      Deno.addSignalListener(signal, handler);
      this.signalHandlers.push([signal, handler]);
    } catch {
      // Signal not supported on this platform.
    }
  }

  private removeHandlers(): void {
    for (const [signal, handler] of this.signalHandlers) {
      try {
        Deno.removeSignalListener(signal, handler);
      } catch {
        // Already gone.
      }
    }
    this.signalHandlers.length = 0;
    globalThis.removeEventListener("error", this.onError);
    globalThis.removeEventListener("unhandledrejection", this.onError);
    globalThis.removeEventListener("unload", this.onUnload);
    this.handlersInstalled = false;
  }

  /** Reads stdin into one reused buffer and hands each chunk to the input listener. */
  private startReading(): void {
    if (this.reading) return;
    this.reading = true;
    const buffer = new Uint8Array(64 * 1024);
    const loop = async (): Promise<void> => {
      try {
        while (!this.restored) {
          const count = await Deno.stdin.read(buffer);
          if (count === null) break;
          if (count > 0 && !this.restored) this.inputListener?.(buffer.subarray(0, count));
        }
      } catch {
        // EIO after the terminal went away: treat as end of input.
      }
      this.reading = false;
      if (!this.restored) this.inputClosedListener?.();
    };
    void loop();
  }
}

/** Writes everything synchronously, ignoring a terminal that is gone. */
function writeAllSync(bytes: Uint8Array): void {
  try {
    let offset = 0;
    while (offset < bytes.length) offset += Deno.stdout.writeSync(bytes.subarray(offset));
  } catch {
    // EIO / EPIPE: the terminal is gone (SSH drop); restoring it is moot.
  }
}
