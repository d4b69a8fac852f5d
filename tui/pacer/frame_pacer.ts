/**
 * The frame pacer: at every vertical retrace, decides from measured facts whether to present the
 * frame fully, partially (within a byte budget) or not at all, and which renderer quality fits.
 *
 * Facts: bytes still in flight to the terminal, the link's capacity ({@link LinkEstimator}), the
 * encode time of recent frames, and whether emulation lags real time. Rules:
 *
 * - the link: present only while what is queued would drain within {@link PacerOptions.maxQueueMs};
 *   a frame may then fill the queue up to what the link carries in {@link PacerOptions.budgetMs}
 *   (about one frame interval at 30 fps), so the bytes in flight, which every later byte waits
 *   behind, stay under ~35 ms of link time and key-to-screen latency stays low. A frame bigger than
 *   that goes out in parts, most-changed rows first (the renderer's job), the rest next time;
 * - input: after a key press ({@link FramePacer.keyPressed}) frames are urgent for
 *   {@link PacerOptions.urgentMs}: the host-side skips (rate, encode share, lag) are waived and the
 *   queue is kept much shorter ({@link PacerOptions.urgentQueueMs}, {@link PacerOptions.urgentBudgetMs}),
 *   so that the frame showing the key's effect is presented at the first retrace after it appears
 *   and its first bytes wait behind almost nothing (a partial frame rather than a late full one);
 * - the host: encoding may take at most {@link PacerOptions.maxEncodeShare} of wall time, and
 *   while emulation lags real time every other retrace is skipped, so the display never slows
 *   emulated time;
 * - the rate: at most one present per retrace and at most {@link PacerOptions.maxFps} per wall
 *   second (turbo runs many retraces per wall frame);
 * - quality: pixel renderers (sixel/kitty) while their frames fit; after
 *   {@link PacerOptions.downgradeAfter} consecutive graphics frames that did not, half-blocks; back
 *   to pixels only after {@link PacerOptions.upgradeAfterMs} in which the link could have carried
 *   pixel frames at {@link PacerOptions.minPixelFps}.
 *
 * A skipped frame is never rasterized: the caller calls `takeFrame()` only when told to present.
 * Everything is synchronous and allocation-free: {@link decide} returns the same object each time.
 *
 * @example
 * ```ts
 * const d = pacer.decide(now, output.inFlight, output.bytesDrained, lagging);
 * if (d.present) {
 *   const r = renderer.render(vga.takeFrame(), sink, { maxBytes: d.maxBytes });
 *   pacer.presented(now, performance.now() - now, r.bytes, r.complete, frame.kind === "graphics");
 * }
 * ```
 */
import { LinkEstimator } from "./link_estimator.ts";

/** How good the picture is: pixels (sixel/kitty) or half-block cells. */
export type PacerQuality = "pixels" | "halfblock";

/** Tuning knobs; the defaults suit links from 50 KB/s to local terminals. */
export interface PacerOptions {
  /** Present only while the queue would drain within this (ms): the link is about to run dry. Default 5. */
  maxQueueMs: number;
  /** A frame may fill the queue up to what the link carries in this long (ms). Default 35. */
  budgetMs: number;
  /** After a key press, frames are urgent for this long (ms). Default 250. */
  urgentMs: number;
  /** While urgent: present while the queue plus the smallest present would drain within this (ms). Default 12. */
  urgentQueueMs: number;
  /** While urgent: a frame may fill the queue up to this much link time (ms). Default 12. */
  urgentBudgetMs: number;
  /** Smallest budget, so that some progress is always made (bytes). Default 1024. */
  minBudget: number;
  /** Cap on presented frames per wall second. Default 70. */
  maxFps: number;
  /** Largest share of wall time spent encoding frames. Default 0.3. */
  maxEncodeShare: number;
  /** Consecutive over-budget graphics frames before dropping to half-blocks. Default 8. */
  downgradeAfter: number;
  /** Good time needed before going back to pixels (ms). Default 3000. */
  upgradeAfterMs: number;
  /** Pixel frames must fit at least this many times per second to be worth it. Default 10. */
  minPixelFps: number;
  /** Whether pixel quality is available at all (the terminal has sixel or kitty, `--render auto`). */
  pixelsAvailable: boolean;
  /** Starting link estimate in bytes per second. */
  initialBytesPerSecond?: number;
}

/** What to do with this retrace's frame. */
export interface PacerDecision {
  /** Take and render the frame now. */
  present: boolean;
  /** Byte budget for the render; Infinity means the whole frame. */
  maxBytes: number;
  /** The quality to render at (may change between decisions). */
  quality: PacerQuality;
  /** Why the frame was skipped, for the status line and tests. */
  reason: "present" | "queue" | "rate" | "encode" | "lag";
  /** The frame was presented with key priority (a key press less than `urgentMs` ago). */
  urgent: boolean;
}

const DEFAULTS: PacerOptions = {
  maxQueueMs: 5,
  budgetMs: 35,
  urgentMs: 250,
  urgentQueueMs: 12,
  urgentBudgetMs: 12,
  minBudget: 1024,
  maxFps: 70,
  maxEncodeShare: 0.3,
  downgradeAfter: 8,
  upgradeAfterMs: 3000,
  minPixelFps: 10,
  pixelsAvailable: false,
};

/** Size assumed for a pixel frame before one has been measured (a 320×200 sixel, roughly). */
const DEFAULT_PIXEL_FRAME_BYTES = 48 * 1024;
/** Weight of the newest sample in the encode-time and frame-size averages. */
const AVERAGE_WEIGHT = 0.2;

/** Decides, at each retrace, whether and how much to present. */
export class FramePacer {
  readonly options: PacerOptions;
  readonly link: LinkEstimator;
  /** Quality in use. */
  quality: PacerQuality;
  /** Frames presented / skipped since creation. */
  presentedFrames = 0;
  skippedFrames = 0;
  private readonly decision: PacerDecision = {
    present: false,
    maxBytes: 0,
    quality: "halfblock",
    reason: "queue",
    urgent: false,
  };
  private lastPresentAt = -Infinity;
  private urgentUntil = -Infinity;
  private encodeMsAverage = 0;
  private pixelFrameBytes = DEFAULT_PIXEL_FRAME_BYTES;
  private overBudgetRun = 0;
  private goodSince = NaN;
  private limited = false;
  private lagSkip = false;

  constructor(options: Partial<PacerOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.link = new LinkEstimator(options.initialBytesPerSecond);
    this.quality = this.options.pixelsAvailable ? "pixels" : "halfblock";
  }

  /**
   * Called at a vertical retrace. `now` is wall time (ms); `inFlight` and `bytesDrained` come from
   * the output queue; `lagging` is true while emulation runs behind real time.
   */
  decide(now: number, inFlight: number, bytesDrained: number, lagging: boolean): PacerDecision {
    const d = this.decision;
    const link = this.link;
    link.observe(now, inFlight, bytesDrained, this.limited);
    this.considerUpgrade(now);
    d.quality = this.quality;
    d.present = false;
    d.maxBytes = 0;
    const o = this.options;
    const urgent = d.urgent = now < this.urgentUntil;
    const sinceLast = now - this.lastPresentAt;
    if (!urgent) {
      if (lagging && (this.lagSkip = !this.lagSkip)) return this.skip("lag");
      if (sinceLast < 1000 / o.maxFps - 0.5) return this.skip("rate");
      if (sinceLast < this.encodeMsAverage / o.maxEncodeShare) return this.skip("encode");
    }
    const rate = link.bytesPerSecond;
    // While urgent, present with more queued, but only if even the smallest present (minBudget)
    // still leaves the queue within urgentQueueMs: on a slow link that is never looser than usual.
    let queueLimit = rate * o.maxQueueMs / 1000;
    if (urgent) queueLimit = Math.max(queueLimit, rate * o.urgentQueueMs / 1000 - o.minBudget);
    if (inFlight > queueLimit) return this.skip("queue");
    d.present = true;
    d.reason = "present";
    d.maxBytes = Math.max(o.minBudget, rate * (urgent ? o.urgentBudgetMs : o.budgetMs) / 1000 - inFlight);
    return d;
  }

  /**
   * A key went to the guest at `now` (wall ms): for the next {@link PacerOptions.urgentMs} the frames
   * that may show its effect go out first (see the module notes).
   */
  keyPressed(now: number): void {
    this.urgentUntil = now + this.options.urgentMs;
  }

  /**
   * Reports a presented frame: when it was decided (`now`), how long encoding took, the bytes it
   * produced, whether it was complete, and whether it was a graphics frame (text frames say nothing
   * about pixel quality).
   */
  presented(now: number, encodeMs: number, bytes: number, complete: boolean, graphics: boolean): void {
    this.presentedFrames++;
    this.lastPresentAt = now;
    this.encodeMsAverage += (encodeMs - this.encodeMsAverage) * AVERAGE_WEIGHT;
    this.limited = !complete;
    if (!graphics) return;
    if (this.quality === "pixels") {
      if (complete) this.pixelFrameBytes += (bytes - this.pixelFrameBytes) * AVERAGE_WEIGHT;
      if (complete) {
        this.overBudgetRun = 0;
      } else if (++this.overBudgetRun >= this.options.downgradeAfter) {
        this.quality = "halfblock";
        this.overBudgetRun = 0;
        this.goodSince = NaN;
      }
    } else if (!complete) {
      this.goodSince = NaN; // even half-blocks do not fit: pixels certainly would not
    }
  }

  /** Forgets timing history (after a pause, say), keeping the link estimate and quality. */
  resetTiming(): void {
    this.lastPresentAt = -Infinity;
    this.goodSince = NaN;
  }

  private considerUpgrade(now: number): void {
    if (this.quality === "pixels" || !this.options.pixelsAvailable) return;
    const fits = this.link.bytesPerSecond >= this.pixelFrameBytes * this.options.minPixelFps;
    if (!fits) {
      this.goodSince = NaN;
      return;
    }
    if (Number.isNaN(this.goodSince)) this.goodSince = now;
    else if (now - this.goodSince >= this.options.upgradeAfterMs) {
      this.quality = "pixels";
      this.goodSince = NaN;
    }
  }

  private skip(reason: PacerDecision["reason"]): PacerDecision {
    this.skippedFrames++;
    this.decision.reason = reason;
    return this.decision;
  }
}
