/**
 * Runs a {@link Machine} in short slices of emulated time, locked to the wall
 * clock by default or flat out in turbo mode.
 *
 * Real-time lock: every decision derives from one anchor (a wall instant and
 * the emulated time at that instant), so sleeps that overshoot never
 * accumulate into drift. When behind, the runner catches up in bursts bounded
 * in wall time, yielding to the event loop between bursts so input keeps
 * arriving; when hopelessly behind (a host stall), it re-anchors instead of
 * fast-forwarding through the backlog. It never waits for the terminal: the
 * front end only gets a callback after each slice that contained a vertical
 * retrace, and decides itself whether to take a frame.
 */
import type { Machine } from "./machine.ts";
import { yieldToEventLoop } from "./yield.ts";

/** Runner settings. */
export interface RunnerOptions {
  /** Run as fast as possible instead of in real time. */
  turbo?: boolean;
  /** Emulated time per slice, in seconds (default 1.5 ms). */
  sliceSeconds?: number;
  /** Wall time one catch-up or turbo burst may take before yielding, in ms (default 20). */
  burstMillis?: number;
  /** Falling further behind than this (seconds) drops the backlog (default 0.25). */
  maxLagSeconds?: number;
  /** Called after a slice in which at least one vertical retrace happened. */
  onFrame?: (machine: Machine) => void;
  /** Called after every slice (background work such as snapshot saving; keep it to about 1 ms). */
  onSlice?: (machine: Machine) => void;
  /** Wall clock in ms (default performance.now). */
  now?: () => number;
}

/** Speed figures over the last measuring window. */
export interface RunnerStats {
  /** Emulated time per wall time, in percent (100 = real time). */
  speedPercent: number;
  /** Vertical retraces per wall second. */
  retracesPerSecond: number;
  /** Emulated seconds since power-on. */
  emulatedSeconds: number;
  /** Backlog dropped after host stalls, in emulated seconds. */
  droppedSeconds: number;
}

const STATS_WINDOW_MS = 1000;

/** Drives a machine in real time (or turbo) until stopped. */
export class MachineRunner {
  /** Run flat out. Can be switched while running. */
  turbo: boolean;
  private readonly sliceCycles: number;
  private readonly burstMillis: number;
  private readonly maxLagSeconds: number;
  private readonly onFrame: ((machine: Machine) => void) | null;
  private readonly onSlice: ((machine: Machine) => void) | null;
  private readonly now: () => number;
  private running = false;
  private stopped = false;
  private paused = false;
  private wake: (() => void) | null = null;
  private sleepTimer: ReturnType<typeof setTimeout> | null = null;
  private retraceSeen = false;
  private anchorWall = 0;
  private anchorEmu = 0;
  private anchoredTurbo = false;
  private statWall = 0;
  private statEmu = 0;
  private statRetraces = 0;
  private readonly stats_: RunnerStats = {
    speedPercent: 0,
    retracesPerSecond: 0,
    emulatedSeconds: 0,
    droppedSeconds: 0,
  };

  constructor(readonly machine: Machine, options: RunnerOptions = {}) {
    this.turbo = options.turbo ?? false;
    const slice = options.sliceSeconds ?? 0.0015;
    this.sliceCycles = Math.max(1, Math.round(slice * machine.clock.hz));
    this.burstMillis = options.burstMillis ?? 20;
    this.maxLagSeconds = options.maxLagSeconds ?? 0.25;
    this.onFrame = options.onFrame ?? null;
    this.onSlice = options.onSlice ?? null;
    this.now = options.now ?? (() => performance.now());
    machine.vga.onRetrace = () => {
      this.retraceSeen = true;
    };
  }

  /** Runs until {@link stop}. Resolves when stopped. */
  async run(): Promise<void> {
    if (this.running) throw new Error("runner is already running");
    this.running = true;
    this.stopped = false;
    this.anchor();
    this.resetStats();
    try {
      while (!this.stopped) {
        if (this.paused) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          this.anchor();
          this.resetStats();
          continue;
        }
        if (this.turbo !== this.anchoredTurbo) this.anchor();
        const wait = this.step();
        if (wait > 0) await this.sleep(wait);
        else await this.yieldToHost();
      }
    } finally {
      this.running = false;
    }
  }

  /** Stops after the current slice; also wakes a paused runner so {@link run} resolves. */
  stop(): void {
    this.stopped = true;
    this.interruptWait();
  }

  /** Holds emulated time still (the machine keeps its state). */
  pause(): void {
    this.paused = true;
    this.interruptWait();
  }

  /** Continues from a pause, re-locked to the wall clock from now. */
  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Speed over the last second, retraces per second, emulated time. */
  stats(): RunnerStats {
    this.stats_.emulatedSeconds = this.machine.emulatedSeconds();
    return this.stats_;
  }

  /** One scheduling decision: runs a burst and returns how long to sleep (ms), 0 = just yield. */
  private step(): number {
    const m = this.machine;
    const started = this.now();
    if (this.turbo) {
      do this.slice(); while (!this.stopped && !this.paused && this.now() - started < this.burstMillis);
      this.updateStats();
      return 0;
    }
    let behind = this.targetEmu(started) - m.emulatedSeconds();
    if (behind > this.maxLagSeconds) {
      // A host stall: forget the backlog rather than racing through it.
      this.stats_.droppedSeconds += behind;
      this.anchorWall = started;
      this.anchorEmu = m.emulatedSeconds();
      behind = 0;
    }
    if (behind <= 0) {
      this.updateStats();
      return Math.max(1, -behind * 1000);
    }
    while (!this.stopped && !this.paused) {
      this.slice();
      const t = this.now();
      if (m.emulatedSeconds() >= this.targetEmu(t) || t - started >= this.burstMillis) break;
    }
    this.updateStats();
    return 0;
  }

  private slice(): void {
    this.retraceSeen = false;
    this.machine.runCycles(this.sliceCycles);
    if (this.retraceSeen && this.onFrame !== null) this.onFrame(this.machine);
    if (this.onSlice !== null) this.onSlice(this.machine);
  }

  private targetEmu(wall: number): number {
    return this.anchorEmu + (wall - this.anchorWall) / 1000;
  }

  private anchor(): void {
    this.anchorWall = this.now();
    this.anchorEmu = this.machine.emulatedSeconds();
    this.anchoredTurbo = this.turbo;
  }

  private resetStats(): void {
    this.statWall = this.now();
    this.statEmu = this.machine.emulatedSeconds();
    this.statRetraces = this.machine.video.retraceCount;
  }

  private updateStats(): void {
    const wall = this.now();
    const dt = wall - this.statWall;
    if (dt < STATS_WINDOW_MS) return;
    const emu = this.machine.emulatedSeconds();
    const retraces = this.machine.video.retraceCount;
    this.stats_.speedPercent = ((emu - this.statEmu) * 1000 * 100) / dt;
    this.stats_.retracesPerSecond = ((retraces - this.statRetraces) * 1000) / dt;
    this.statWall = wall;
    this.statEmu = emu;
    this.statRetraces = retraces;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.sleepTimer = setTimeout(() => {
        this.sleepTimer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }

  private yieldToHost(): Promise<void> {
    return yieldToEventLoop();
  }

  private interruptWait(): void {
    if (this.sleepTimer !== null) {
      clearTimeout(this.sleepTimer);
      this.sleepTimer = null;
    }
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
