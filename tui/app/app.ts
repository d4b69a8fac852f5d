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
import { setCellSize } from "../render/layout.ts";
import type { HotkeyCommand } from "../term/hotkeys.ts";
import { TerminalInput } from "../term/input.ts";
import { applyOverrides } from "../term/probe.ts";
import { cellSizeOf, TerminalSession } from "../term/terminal.ts";
import type { OutputWriter } from "../term/output.ts";
import { FramePacer, type PacerQuality } from "../pacer/frame_pacer.ts";
import { helpLines, writeHelpOverlay } from "./help_overlay.ts";
import { formatStatus, writeStatusLine } from "./status_line.ts";
import type { SnapshotController } from "./snapshots.ts";
import { DiskChainPanel } from "../panels/disk_chain_panel.ts";
import { SnapshotTreePanel } from "../panels/snapshot_tree_panel.ts";
import type { DiskChainAction } from "../panels/disk_chain_actions.ts";
import type { SnapshotTreeAction } from "../panels/snapshot_tree_actions.ts";

/** Choices for the interactive run. */
export interface InteractiveOptions {
  turbo: boolean;
  render: "auto" | "text" | "halfblock" | "sixel" | "kitty";
  colors?: 16 | 256 | "truecolor";
  prefix: string;
  /** Live snapshots, restore, rewind and the panels; without it those hotkeys are not available. */
  snapshots?: SnapshotController;
  /** Pause the guest while a panel is open (default: it runs on underneath). */
  pausePanels?: boolean;
}

/** An open panel and what its actions do. */
type OpenPanel =
  | { kind: "tree"; panel: SnapshotTreePanel }
  | { kind: "disks"; panel: DiskChainPanel };

/** Hotkey commands this app handles; the rest say "not available yet". */
const BASIC: readonly HotkeyCommand[] = ["quit", "pause", "reset", "status", "help"];
/** Commands that need a snapshot controller. */
const SNAPSHOT_COMMANDS: readonly HotkeyCommand[] = ["snapshot", "restore", "rewind", "disks", "snapshots"];
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
    session.onResize((next) => app.resize(next.cols, next.rows, cellSizeOf(next)));
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
  private readonly available: ReadonlySet<HotkeyCommand>;
  private readonly snapshots: SnapshotController | null;
  private openPanel: OpenPanel | null = null;
  private pausedForPanel = false;
  private snapshotWasBusy = false;
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
    this.snapshots = options.snapshots ?? null;
    this.available = new Set([...BASIC, ...(this.snapshots ? SNAPSHOT_COMMANDS : [])]);
    this.pixelsAvailable = caps.sixel || caps.kitty;
    this.pacer = new FramePacer({ pixelsAvailable: this.pixelsAvailable && options.render === "auto" });
    this.quality = this.pacer.quality;
    this.renderer = new Renderer(this.layoutCaps());
    // Every key press that reaches the guest makes the next frames urgent (key-to-screen latency).
    const keyboard = machine.keyboard;
    const pacer = this.pacer;
    this.input = new TerminalInput({
      keyboard: {
        keyEvent(code: number, pressed: boolean): void {
          keyboard.keyEvent(code, pressed);
          if (pressed) pacer.keyPressed(performance.now());
        },
      },
      onCommand: (command) => this.command(command),
      onNote: (note) => this.showNote(note),
      prefix: options.prefix,
      releasesReported: session.kittyKeyboard,
    });
    const snapshots = this.snapshots;
    this.runner = new MachineRunner(machine, {
      turbo: options.turbo,
      onFrame: () => this.onRetrace(),
      onSlice: snapshots ? () => snapshots.pump() : undefined,
    });
    if (snapshots) snapshots.onChange = (note) => this.showNote(note);
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

  /**
   * The terminal changed size: re-layout at once. `cell` is the cell size in pixels when the
   * tty reports the window's pixel size (a font change alters it without a new probe).
   */
  resize(cols: number, rows: number, cell: { width: number; height: number } | null = null): void {
    this.caps.cols = cols;
    this.caps.rows = rows;
    if (cell !== null) setCellSize(this.caps, cell.width, cell.height);
    this.relayout();
  }

  /** The open panel, if any (tests look at it). */
  get panel(): OpenPanel | null {
    return this.openPanel;
  }

  /** A hotkey command. */
  command(command: HotkeyCommand): void {
    const snaps = this.snapshots;
    if (snaps !== null) {
      switch (command) {
        case "snapshot":
          this.takeSnapshot(snaps);
          return;
        case "restore": {
          const id = snaps.latestId();
          if (id === null) this.showNote("no snapshots yet: Ctrl-] s takes one");
          else this.restoreSnapshot(snaps, id, `restored ${id}`);
          return;
        }
        case "rewind": {
          const id = snaps.rewindTarget();
          if (id === null) {
            this.showNote(snaps.rewindRing.length === 0 ? "rewind: no rewind snapshots (see --rewind)" : "");
            return;
          }
          const ring = snaps.rewindRing;
          this.restoreSnapshot(snaps, id, `rewound to ${id} (${ring.length - ring.indexOf(id)} back)`);
          return;
        }
        case "disks":
          this.showPanel({ kind: "disks", panel: new DiskChainPanel(snaps.diskModel()) });
          return;
        case "snapshots":
          this.showPanel({ kind: "tree", panel: new SnapshotTreePanel(snaps.treeModel()) });
          return;
      }
    }
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
    if (this.helpShown || this.openPanel !== null) return;
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
    if (this.openPanel !== null) {
      this.drawPanel();
      return;
    }
    if (this.runner.isPaused) this.present(performance.now(), Infinity);
    else this.flush();
  }

  // ---- Snapshots and panels ---------------------------------------------------

  private takeSnapshot(snaps: SnapshotController): void {
    let request;
    try {
      request = snaps.snapshot();
    } catch (e) {
      this.showNote(`snapshot failed: ${oneLine(e)}`);
      return;
    }
    this.showNote(request.queued ? "snapshot queued: another one is still saving" : "snapshot started");
    this.snapshotWasBusy = true;
    request.done.then(
      (entry) => {
        this.showNote(`snapshot ${entry.id} saved`);
        this.updatePanel();
      },
      (e) => this.showNote(`snapshot failed: ${oneLine(e)}`),
    );
  }

  private restoreSnapshot(snaps: SnapshotController, id: string, note: string): void {
    this.input.releaseAll();
    this.showNote(`restoring ${id}…`);
    snaps.restore(id).then(
      () => {
        this.pacer.resetTiming();
        this.refresh();
        this.showNote(note);
        this.updatePanel();
      },
      (e) => this.showNote(`restore failed: ${oneLine(e)}`),
    );
  }

  private showPanel(open: OpenPanel): void {
    if (this.openPanel === null) {
      this.input.releaseAll();
      if (this.options.pausePanels && !this.runner.isPaused) {
        this.runner.pause();
        this.pausedForPanel = true;
      }
    }
    this.helpShown = false;
    this.openPanel = open;
    this.input.intercept = (key, pressed, mods) => this.panelKey({ key, pressed, mods });
    this.drawPanel();
  }

  private closePanel(): void {
    this.openPanel = null;
    this.input.intercept = null;
    if (this.pausedForPanel) {
      this.pausedForPanel = false;
      this.runner.resume();
      this.pacer.resetTiming();
    }
    this.sink.writeAscii("\x1b[0m\x1b[2J");
    this.refresh();
  }

  private panelKey(event: { key: string; pressed: boolean; mods: number }): void {
    const open = this.openPanel;
    if (open === null) return;
    const result = open.kind === "tree" ? open.panel.key(event) : open.panel.key(event);
    if (result.kind === "close") {
      this.closePanel();
      return;
    }
    if (result.kind === "action") {
      if (open.kind === "tree") this.treeAction(open.panel, result.action as SnapshotTreeAction);
      else this.diskAction(open.panel, result.action as DiskChainAction);
    }
    this.drawPanel();
  }

  private treeAction(panel: SnapshotTreePanel, action: SnapshotTreeAction): void {
    const snaps = this.snapshots;
    if (snaps === null) return;
    if (action.type === "restore") this.input.releaseAll();
    snaps.treeAction(action).then(
      (note) => {
        if (action.type === "restore") this.pacer.resetTiming();
        this.showNote(note);
        this.updatePanel();
      },
      (e) => {
        panel.notify(`Cannot ${action.type}`, [oneLine(e)]);
        this.drawPanel();
      },
    );
  }

  private diskAction(panel: DiskChainPanel, action: DiskChainAction): void {
    const snaps = this.snapshots;
    if (snaps === null) return;
    try {
      this.showNote(snaps.diskAction(action));
    } catch (e) {
      panel.notify(`Cannot ${action.type}`, [oneLine(e)]);
    }
    panel.update(snaps.diskModel());
  }

  /** Rebuilds the open panel's model (after an action or a finished snapshot) and redraws it. */
  private updatePanel(): void {
    const open = this.openPanel;
    const snaps = this.snapshots;
    if (open === null || snaps === null) return;
    if (open.kind === "tree") open.panel.update(snaps.treeModel());
    else open.panel.update(snaps.diskModel());
    this.drawPanel();
  }

  private drawPanel(): void {
    const open = this.openPanel;
    if (open === null) return;
    open.panel.render(this.sink, { cols: this.caps.cols, rows: this.caps.rows });
    this.flush();
  }

  private drawHelp(): void {
    const lines = helpLines(this.input.hotkeys.prefix.label, this.available);
    writeHelpOverlay(this.sink, this.caps.cols, this.caps.rows, lines);
    this.flush();
  }

  private showNote(note: string): void {
    if (note === "") return;
    this.note = note;
    this.noteUntil = performance.now() + NOTE_MS;
    if (this.statusShown) {
      this.appendStatus();
      this.flush();
      return;
    }
    // An open panel keeps the screen; the note waits for the status line.
    if (this.openPanel !== null) return;
    // Without the status line, the note is drawn once over the last row until the next redraw.
    writeStatusLine(this.sink, this.caps.rows - 1, this.caps.cols, ` tty86: ${note}`);
    this.flush();
  }

  /** Every status interval: update the figures and redraw the status line. */
  private tick(): void {
    const now = performance.now();
    const saving = this.snapshots?.statusText() ?? null;
    if (saving !== null) {
      this.snapshotWasBusy = true;
      this.showNote(saving);
      if (this.openPanel?.kind === "tree") this.updatePanel();
    } else if (this.snapshotWasBusy) {
      this.snapshotWasBusy = false;
      this.updatePanel();
    }
    if (this.openPanel !== null && this.openPanel.panel.busy) this.drawPanel();
    const seconds = (now - this.windowStart) / 1000;
    this.presentedFps = this.windowPresents / seconds;
    this.bytesPerSecond = this.windowBytes / seconds;
    this.windowStart = now;
    this.windowPresents = this.windowBytes = 0;
    if (this.note !== "" && now >= this.noteUntil) {
      this.note = "";
      // A note drawn over the picture is gone at the next full redraw.
      if (!this.statusShown && !this.helpShown && this.openPanel === null) this.refresh();
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

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
