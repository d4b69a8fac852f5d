/**
 * Graphics frames through the kitty graphics protocol: the frame is sent at its
 * own resolution as zlib-compressed RGB (`f=24,o=z`) and the terminal scales it
 * into a block of cells (`c=…,r=…`) that keeps the display aspect.
 *
 * An unchanged frame sends nothing (the image stays on screen); after a redraw is
 * forced (resize, screen cleared) the image already held by the terminal is placed
 * again with `a=p` instead of being resent. A changed frame is resent whole under
 * the same image and placement ids, which replaces it in place. Partial updates
 * (the animation protocol's frame editing, `a=f`) would send less for small
 * changes but only kitty itself implements them, so they are not used.
 *
 * The image is one unit: the byte budget is reported but not split.
 *
 * @example
 * ```ts
 * const kitty = new KittyRenderer(caps);
 * kitty.render(frame, out, { maxBytes: 1 << 20 });
 * ```
 */
import { deflateSync } from "node:zlib";
import type { Frame, GraphicsFrame } from "../../core/video/frame.ts";
import { ByteSink } from "./byte_sink.ts";
import type { RenderCapabilities } from "./capabilities.ts";
import type { FrameRenderer, RenderBudget, RenderResult } from "./frame_renderer.ts";
import { type CellBox, fitCells } from "./layout.ts";
import { LineTracker } from "./line_tracker.ts";
import { writePassthrough } from "./sync.ts";

/** Image id used for the emulator's screen (any fixed id works: we own the whole screen). */
export const KITTY_IMAGE_ID = 8086;
/** Base64 characters per APC chunk (the protocol's limit). */
const CHUNK_CHARS = 4096;
const B64 = new TextEncoder().encode("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

export interface KittyOptions {
  /** zlib level: 1 is several times faster than the default 6 for a few percent more bytes. */
  zlibLevel?: number;
}

export class KittyRenderer implements FrameRenderer {
  readonly name = "kitty" as const;
  #caps: RenderCapabilities;
  #zlibLevel: number;
  #box: CellBox | null = null;
  #frameWidth = 0;
  #frameHeight = 0;
  #aspect = 0;
  #tracker = new LineTracker();
  #palette = new Uint8Array(768);
  #rgb = new Uint8Array(0);
  #scratch = new ByteSink(1 << 16);
  /** The terminal holds our image data (it may not be placed). */
  #transmitted = false;
  /** The image is placed on screen as it should be. */
  #placed = false;
  #needsClear = true;

  constructor(caps: RenderCapabilities, options: KittyOptions = {}) {
    this.#caps = caps;
    this.#zlibLevel = options.zlibLevel ?? 1;
  }

  /** The block of cells the picture is shown in (null before the first frame). */
  get box(): CellBox | null {
    return this.#box;
  }

  invalidate(): void {
    this.#needsClear = true;
    this.#placed = false;
  }

  resize(caps: RenderCapabilities): void {
    this.#caps = caps;
    this.#box = null;
    this.invalidate();
  }

  render(frame: Frame, out: ByteSink, _budget: RenderBudget): RenderResult {
    if (frame.kind !== "graphics") throw new TypeError("KittyRenderer renders graphics frames only");
    const start = out.length;
    const box = this.#layout(frame);
    if (this.#needsClear) {
      out.writeAscii("\x1b[0m\x1b[2J\x1b[?25l");
      this.#needsClear = false;
    }
    const changed = this.#tracker.update(frame.pixels, frame.width, frame.height);
    const paletteChanged = this.#paletteChanged(frame); // always: it also records the palette
    let dirty = !this.#transmitted || paletteChanged;
    for (let y = 0; !dirty && y < frame.height; y++) if (changed[y] !== 0) dirty = true;
    if (dirty) {
      out.writeCursorTo(box.row0, box.col0);
      this.#transmit(frame, out, box);
      this.#transmitted = true;
      this.#placed = true;
    } else if (!this.#placed) {
      out.writeCursorTo(box.row0, box.col0);
      this.#command(out, `a=p,i=${KITTY_IMAGE_ID},p=1,c=${box.cols},r=${box.rows},C=1,q=2`, null, 0, 0);
      this.#placed = true;
    }
    return { bytes: out.length - start, complete: true };
  }

  #layout(frame: GraphicsFrame): CellBox {
    if (
      this.#box !== null && frame.width === this.#frameWidth && frame.height === this.#frameHeight &&
      frame.displayAspect === this.#aspect
    ) return this.#box;
    this.#box = fitCells(frame.displayAspect, this.#caps, this.#caps.cols, this.#caps.rows);
    if (frame.width !== this.#frameWidth || frame.height !== this.#frameHeight) {
      this.#rgb = new Uint8Array(frame.width * frame.height * 3);
      this.#transmitted = false;
    }
    this.#frameWidth = frame.width;
    this.#frameHeight = frame.height;
    this.#aspect = frame.displayAspect;
    this.invalidate();
    return this.#box;
  }

  #paletteChanged(frame: GraphicsFrame): boolean {
    const n = Math.min(256, frame.colors) * 3;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (frame.palette[i] !== this.#palette[i]) {
        changed = true;
        break;
      }
    }
    if (changed) this.#palette.set(frame.palette.subarray(0, n));
    return changed;
  }

  #transmit(frame: GraphicsFrame, out: ByteSink, box: CellBox): void {
    const rgb = this.#rgb, pal = frame.palette, px = frame.pixels;
    for (let i = 0, p = 0, n = frame.width * frame.height; i < n; i++) {
      const c = px[i] * 3;
      rgb[p++] = pal[c];
      rgb[p++] = pal[c + 1];
      rgb[p++] = pal[c + 2];
    }
    const z = deflateSync(rgb, { level: this.#zlibLevel });
    const keys = `a=T,f=24,o=z,s=${frame.width},v=${frame.height},i=${KITTY_IMAGE_ID},p=1,` +
      `c=${box.cols},r=${box.rows},C=1,q=2`;
    const chunkBytes = (CHUNK_CHARS / 4) * 3;
    for (let at = 0; at < z.length || at === 0; at += chunkBytes) {
      const end = Math.min(z.length, at + chunkBytes);
      const more = end < z.length;
      this.#command(out, at === 0 ? `${keys},m=${more ? 1 : 0}` : `m=${more ? 1 : 0}`, z, at, end);
      if (!more) break;
    }
  }

  /** Writes one APC `ESC _ G keys ; base64(data[from..to)) ESC \`, wrapped for a multiplexer if needed. */
  #command(out: ByteSink, keys: string, data: Uint8Array | null, from: number, to: number): void {
    const wrap = this.#caps.passthrough !== "none";
    const target = wrap ? this.#scratch : out;
    if (wrap) this.#scratch.clear();
    target.writeAscii("\x1b_G");
    target.writeAscii(keys);
    if (data !== null && to > from) {
      target.writeByte(0x3b);
      writeBase64(target, data, from, to);
    }
    target.writeByte(0x1b);
    target.writeByte(0x5c);
    if (wrap) writePassthrough(out, this.#scratch.bytes(), this.#caps.passthrough);
  }
}

/**
 * Appends the command that deletes our image and frees its data (leaving graphics mode).
 *
 * @example
 * ```ts
 * writeKittyDelete(out); // before drawing text over where the image was
 * ```
 */
export function writeKittyDelete(out: ByteSink): void {
  out.writeAscii(`\x1b_Ga=d,d=I,i=${KITTY_IMAGE_ID},q=2\x1b\\`);
}

/** Appends `data[from..to)` in standard base64 with padding. */
export function writeBase64(out: ByteSink, data: Uint8Array, from: number, to: number): void {
  const n = to - from;
  const buf = out.ensure(Math.ceil(n / 3) * 4);
  let p = out.length, i = from;
  for (const end = from + n - (n % 3); i < end; i += 3) {
    const v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    buf[p++] = B64[v >> 18];
    buf[p++] = B64[(v >> 12) & 63];
    buf[p++] = B64[(v >> 6) & 63];
    buf[p++] = B64[v & 63];
  }
  if (i < to) {
    const two = i + 1 < to;
    const v = (data[i] << 16) | (two ? data[i + 1] << 8 : 0);
    buf[p++] = B64[v >> 18];
    buf[p++] = B64[(v >> 12) & 63];
    buf[p++] = two ? B64[(v >> 6) & 63] : 0x3d;
    buf[p++] = 0x3d;
  }
  out.length = p;
}
