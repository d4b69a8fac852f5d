/**
 * The interactive app: the terminal session, the machine runner, input and hotkeys, and at every
 * vertical retrace the frame pacer's decision whether (and how much) to present.
 *
 * The emulation loop never waits for the terminal: frames go to a non-blocking output queue, and
 * the pacer holds presents back (without rasterizing) while the link is busy.
 *
 * @example
 * ```ts
 * const code = await runInteractive(machine, { turbo: false, render: "auto", prefix: "ctrl-]" });
 * ```
 */
import type { Machine } from "../../core/machine/machine.ts";
import { MachineRunner } from "../../core/machine/runner.ts";
import { ByteSink } from "../render/byte_sink.ts";
import type { RenderCapabilities } from "../render/capabilities.ts";
import { writeKittyDelete } from "../render/kitty_renderer.ts";
import { Renderer } from "../render/renderer.ts";
import type { HotkeyCommand } from "../term/hotkeys.ts";
import { TerminalInput } from "../term/input.ts";
import { applyOverrides } from "../term/probe.ts";
import { TerminalSession } from "../term/terminal.ts";
import type { OutputWriter } from "../term/output.ts";
import { FramePacer, type PacerQuality } from "../pacer/frame_pacer.ts";
import { helpLines, writeHelpOverlay } from "./help_overlay.ts";
import { formatStatus, writeStatusLine } from "./status_line.ts";

/** Choices for the interactive run. */
export interface InteractiveOptions {
  turbo: boolean;
  render: "auto" | "text" | "halfblock" | "sixel" | "kitty";
  colors?: 16 | 256 | "truecolor";
  prefix: string;
}

/** Hotkey commands this app handles; the rest say "not available yet". */
const AVAILABLE: ReadonlySet<HotkeyCommand> = new Set(["quit", "pause", "reset", "status", "help"]);
/** How often the status line is refreshed. */
const STATUS_INTERVAL_MS = 500;
/** How long a note stays on the status line. */
const NOTE_MS = 3000;
/** Below this speed (in real-time mode) the pacer is told emulation lags. */
const LAGGING_PERCENT = 97;

/**
 * Runs the machine in the terminal until the user quits. Returns the exit code (0 on quit);
 * throws on errors, after the terminal has been restored.
 */
export async function runInteractive(machine: Machine, options: InteractiveOptions): Promise<number> {
  const session = TerminalSession.open();
  try {
    const probe = await session.start();
    const { caps } = applyOverrides(probe.caps, { render: options.render, colors: options.colors });
    const size = session.size;
    caps.cols = size.cols;
    caps.rows = size.rows;
    const app = new App(machine, session, caps, options);
    session.onInput((bytes) => app.input.feed(bytes));
    session.onInputClosed(() => app.quit());
    session.onResize((next) => app.resize(next.cols, next.rows));
    app.input.feed(probe.leftover);
    return await app.run();
  } finally {
    session.close();
  }
}

/** What the app needs from the terminal session (a bench or test can supply its own). */
export interface AppTerminal {
  readonly output: OutputWriter;
  readonly kittyKeyboard: boolean;
}

/** One interactive run; see {@link runInteractive}. */
export class App {
  readonly input: TerminalInput;
  readonly runner: MachineRunner;
  readonly pacer: FramePacer;
  readonly renderer: Renderer;
  private readonly sink = new ByteSink();
  private readonly caps: RenderCapabilities;
  private readonly pixelsAvailable: boolean;
  private quality: PacerQuality;
  private statusShown = false;
  private helpShown = false;
  private note = "";
  private noteUntil = 0;
  private lastKind: "text" | "graphics" | null = null;
  private statusTimer: ReturnType<typeof setInterval> | undefined;
  // Figures for the status line, over the last status interval.
  private windowStart = performance.now();
  private windowPresents = 0;
  private windowBytes = 0;
  private presentedFps = 0;
  private bytesPerSecond = 0;

  constructor(
    readonly machine: Machine,
    private readonly session: AppTerminal,
    caps: RenderCapabilities,
    private readonly options: InteractiveOptions,
  ) {
    this.caps = caps;
    this.pixelsAvailable = caps.sixel || caps.kitty;
    this.pacer = new FramePacer({ pixelsAvailable: this.pixelsAvailable && options.render === "auto" });
    this.quality = this.pacer.quality;
    this.renderer = new Renderer(this.layoutCaps());
    this.input = new TerminalInput({
      keyboard: machine.keyboard,
      onCommand: (command) => this.command(command),
      onNote: (note) => this.showNote(note),
      prefix: options.prefix,
      releasesReported: session.kittyKeyboard,
    });
    this.runner = new MachineRunner(machine, { turbo: options.turbo, onFrame: () => this.onRetrace() });
  }

  /** Runs until quit; returns the exit code. */
  async run(): Promise<number> {
    this.statusTimer = setInterval(() => this.tick(), STATUS_INTERVAL_MS);
    try {
      await this.runner.run();
    } finally {
      clearInterval(this.statusTimer);
      this.input.dispose();
    }
    // Quit, or the terminal went away (nothing left to report to): both end normally.
    return 0;
  }

  /** Stops the machine; {@link run} resolves. */
  quit(): void {
    this.input.releaseAll();
    this.runner.stop();
  }

  /** The terminal changed size: re-layout at once. */
  resize(cols: number, rows: number): void {
    this.caps.cols = cols;
    this.caps.rows = rows;
    this.relayout();
  }

  /** A hotkey command. */
  command(command: HotkeyCommand): void {
    switch (command) {
      case "quit":
        this.quit();
        return;
      case "pause":
        if (this.runner.isPaused) {
          this.runner.resume();
          this.pacer.resetTiming();
          this.showNote("resumed");
        } else {
          this.input.releaseAll();
          this.runner.pause();
          this.showNote("paused");
        }
        return;
      case "reset":
        this.machine.reset();
        this.refresh();
        this.showNote("reset");
        return;
      case "status":
        this.statusShown = !this.statusShown;
        this.relayout();
        return;
      case "help":
        this.helpShown = !this.helpShown;
        if (this.helpShown) this.drawHelp();
        else this.refresh();
        return;
      default:
        this.showNote(`${command}: not available yet`);
    }
  }

  /** Called by the runner after a slice with a vertical retrace. */
  private onRetrace(): void {
    const output = this.session.output;
    if (output.closed) {
      this.quit();
      return;
    }
    if (this.helpShown) return;
    const now = performance.now();
    const speed = this.runner.stats().speedPercent;
    const lagging = !this.runner.turbo && speed > 0 && speed < LAGGING_PERCENT;
    const decision = this.pacer.decide(now, output.inFlight, output.bytesDrained, lagging);
    if (!decision.present) return;
    if (decision.quality !== this.quality) this.switchQuality(decision.quality);
    this.present(now, decision.maxBytes);
  }

  /** Takes, renders and queues one frame within `maxBytes`. */
  private present(now: number, maxBytes: number): void {
    const sink = this.sink;
    const frame = this.machine.video.takeFrame();
    const result = this.renderer.render(frame, sink, { maxBytes });
    const kindChanged = frame.kind !== this.lastKind;
    this.lastKind = frame.kind;
    // A mode switch clears the terminal, status line included.
    if (kindChanged && this.statusShown) this.appendStatus();
    const encodeMs = performance.now() - now;
    this.flush();
    this.pacer.presented(now, encodeMs, result.bytes, result.complete, frame.kind === "graphics");
    this.windowPresents++;
  }

  private flush(): void {
    if (this.sink.length === 0) return;
    this.windowBytes += this.sink.length;
    this.session.output.write(this.sink.bytes());
    this.sink.clear();
  }

  /** Capabilities the renderers lay out in: the last row is reserved while the status line shows. */
  private layoutCaps(): RenderCapabilities {
    const caps = { ...this.caps, rows: Math.max(1, this.caps.rows - (this.statusShown ? 1 : 0)) };
    // A forced --render sixel|kitty keeps its protocol; only auto follows the pacer down to half-blocks.
    if (this.quality === "halfblock" && this.options.render === "auto") {
      caps.sixel = false;
      caps.kitty = false;
    }
    return caps;
  }

  private switchQuality(quality: PacerQuality): void {
    if (this.renderer.graphics.name === "kitty") writeKittyDelete(this.sink);
    this.quality = quality;
    this.relayout();
  }

  /** Re-layout after a size, quality or status-line change: everything is redrawn. */
  private relayout(): void {
    this.sink.writeAscii("\x1b[0m\x1b[2J");
    this.renderer.resize(this.layoutCaps());
    this.refresh();
  }

  /** Forgets what the terminal shows; redraws at once if no frames are coming (paused, help). */
  private refresh(): void {
    this.renderer.invalidate();
    if (this.statusShown) this.appendStatus();
    if (this.helpShown) {
      this.drawHelp();
      return;
    }
    if (this.runner.isPaused) this.present(performance.now(), Infinity);
    else this.flush();
  }

  private drawHelp(): void {
    const lines = helpLines(this.input.hotkeys.prefix.label, AVAILABLE);
    writeHelpOverlay(this.sink, this.caps.cols, this.caps.rows, lines);
    this.flush();
  }

  private showNote(note: string): void {
    this.note = note;
    this.noteUntil = performance.now() + NOTE_MS;
    if (this.statusShown) {
      this.appendStatus();
      this.flush();
      return;
    }
    // Without the status line, the note is drawn once over the last row until the next redraw.
    writeStatusLine(this.sink, this.caps.rows - 1, this.caps.cols, ` tty86: ${note}`);
    this.flush();
  }

  /** Every status interval: update the figures and redraw the status line. */
  private tick(): void {
    const now = performance.now();
    const seconds = (now - this.windowStart) / 1000;
    this.presentedFps = this.windowPresents / seconds;
    this.bytesPerSecond = this.windowBytes / seconds;
    this.windowStart = now;
    this.windowPresents = this.windowBytes = 0;
    if (this.note !== "" && now >= this.noteUntil) {
      this.note = "";
      // A note drawn over the picture is gone at the next full redraw.
      if (!this.statusShown && !this.helpShown) this.refresh();
    }
    if (this.statusShown) {
      this.appendStatus();
      this.flush();
    }
  }

  private appendStatus(): void {
    const stats = this.runner.stats();
    const text = formatStatus({
      speedPercent: this.runner.isPaused ? 0 : stats.speedPercent,
      presentedFps: this.presentedFps,
      emulatedFps: this.runner.isPaused ? 0 : stats.retracesPerSecond,
      bytesPerSecond: this.bytesPerSecond,
      renderer: this.renderer.name,
      paused: this.runner.isPaused,
      turbo: this.runner.turbo,
      note: this.note,
      hint: `${this.input.hotkeys.prefix.label} h help`,
    });
    writeStatusLine(this.sink, this.caps.rows - 1, this.caps.cols, text);
  }
}
