/**
 * The contract every renderer follows: frame in, bytes out, remembering what the
 * terminal shows so that the next frame sends only differences.
 *
 * @example
 * ```ts
 * const { bytes, complete } = renderer.render(frame, out, { maxBytes: 16_384 });
 * if (!complete) scheduleAnotherPass(); // some rows are still dirty
 * ```
 */
import type { Frame } from "../../core/video/frame.ts";
import type { ByteSink } from "./byte_sink.ts";
import type { RenderCapabilities } from "./capabilities.ts";

/** A per-call output limit. Renderers stop at a row/strip boundary once they pass it. */
export interface RenderBudget {
  maxBytes: number;
}

/** What one {@link FrameRenderer.render} call did. */
export interface RenderResult {
  /** Bytes appended to the sink. */
  bytes: number;
  /** False when part of the frame is still dirty and will go out with the next call. */
  complete: boolean;
}

export interface FrameRenderer {
  readonly name: "text" | "halfblock" | "sixel" | "kitty";
  /**
   * Appends what the terminal needs to show `frame` to `out`. The frame is only read
   * during the call (it is a view over buffers the video adapter reuses).
   * At least one row/strip is always sent, even if it alone exceeds the budget.
   */
  render(frame: Frame, out: ByteSink, budget: RenderBudget): RenderResult;
  /** Forgets what the terminal shows: the next render clears and redraws everything. */
  invalidate(): void;
  /** Takes new terminal capabilities (size, colours); implies {@link invalidate}. */
  resize(caps: RenderCapabilities): void;
}
