/**
 * The renderer the front end talks to: text frames go to the {@link TextRenderer},
 * graphics frames to the graphics renderer the terminal supports best (kitty, then
 * sixel, then half-blocks), each frame wrapped in synchronized output when the
 * terminal has it. Switching between text and graphics forces a full redraw.
 *
 * @example
 * ```ts
 * const renderer = new Renderer(caps);
 * const out = new ByteSink();
 * const { complete } = renderer.render(vga.takeFrame(), out, { maxBytes: 64 * 1024 });
 * await writeAll(Deno.stdout, out.bytes());
 * out.clear();
 * ```
 */
import type { Frame } from "../../core/video/frame.ts";
import type { ByteSink } from "./byte_sink.ts";
import type { RenderCapabilities } from "./capabilities.ts";
import type { FrameRenderer, RenderBudget, RenderResult } from "./frame_renderer.ts";
import { HalfBlockRenderer } from "./halfblock_renderer.ts";
import { KittyRenderer, writeKittyDelete } from "./kitty_renderer.ts";
import { SixelRenderer } from "./sixel_renderer.ts";
import { beginSync, endSync } from "./sync.ts";
import { TextRenderer } from "./text_renderer.ts";

export type { FrameRenderer, RenderBudget, RenderResult } from "./frame_renderer.ts";

/** Names of the graphics renderers. */
export type GraphicsRendererName = "halfblock" | "sixel" | "kitty";

/**
 * The best graphics renderer for the terminal: kitty (sends at source resolution,
 * the terminal scales), then sixel, then half-blocks which work everywhere.
 *
 * @example
 * ```ts
 * chooseGraphicsRenderer({ ...caps, sixel: true, kitty: false }); // "sixel"
 * ```
 */
export function chooseGraphicsRenderer(caps: RenderCapabilities): GraphicsRendererName {
  if (caps.kitty) return "kitty";
  if (caps.sixel) return "sixel";
  return "halfblock";
}

/** Creates a graphics renderer by name. */
export function createGraphicsRenderer(name: GraphicsRendererName, caps: RenderCapabilities): FrameRenderer {
  switch (name) {
    case "kitty":
      return new KittyRenderer(caps);
    case "sixel":
      return new SixelRenderer(caps);
    case "halfblock":
      return new HalfBlockRenderer(caps);
  }
}

export interface RendererOptions {
  /** Force a graphics renderer instead of choosing from the capabilities. */
  graphics?: GraphicsRendererName;
}

/** Length of the synchronized-output pair around a frame. */
const SYNC_OVERHEAD = 16;

export class Renderer implements FrameRenderer {
  readonly text: TextRenderer;
  #graphics: FrameRenderer;
  #caps: RenderCapabilities;
  #forced: GraphicsRendererName | undefined;
  #lastKind: Frame["kind"] | null = null;

  constructor(caps: RenderCapabilities, options: RendererOptions = {}) {
    this.#caps = caps;
    this.#forced = options.graphics;
    this.text = new TextRenderer(caps);
    this.#graphics = createGraphicsRenderer(options.graphics ?? chooseGraphicsRenderer(caps), caps);
  }

  /** The renderer that handled the last frame (the graphics one before any frame). */
  get name(): FrameRenderer["name"] {
    return this.#lastKind === "text" ? "text" : this.#graphics.name;
  }

  /** The graphics renderer in use. */
  get graphics(): FrameRenderer {
    return this.#graphics;
  }

  render(frame: Frame, out: ByteSink, budget: RenderBudget): RenderResult {
    const start = out.length;
    const sync = this.#caps.syncOutput;
    const mark = beginSync(out, sync);
    const target = frame.kind === "text" ? this.text : this.#graphics;
    if (frame.kind !== this.#lastKind) {
      if (this.#lastKind === "graphics" && this.#graphics.name === "kitty") writeKittyDelete(out);
      target.invalidate();
      this.#lastKind = frame.kind;
    }
    const inner = {
      maxBytes: Math.max(0, budget.maxBytes - (sync ? SYNC_OVERHEAD : 0) - (out.length - start)),
    };
    const result = target.render(frame, out, inner);
    endSync(out, sync, mark);
    return { bytes: out.length - start, complete: result.complete };
  }

  invalidate(): void {
    this.text.invalidate();
    this.#graphics.invalidate();
  }

  resize(caps: RenderCapabilities): void {
    this.#caps = caps;
    this.text.resize(caps);
    const name = this.#forced ?? chooseGraphicsRenderer(caps);
    if (name !== this.#graphics.name) this.#graphics = createGraphicsRenderer(name, caps);
    else this.#graphics.resize(caps);
  }
}
