/**
 * Output framing: synchronized output around a frame, and passthrough wrapping of
 * DCS/APC sequences (sixel, kitty graphics) for a multiplexer in between.
 *
 * @example
 * ```ts
 * const mark = beginSync(out, caps.syncOutput);
 * renderer.render(frame, out, budget);
 * endSync(out, caps.syncOutput, mark); // drops the pair again if the frame wrote nothing
 * ```
 */
import type { ByteSink } from "./byte_sink.ts";
import type { RenderCapabilities } from "./capabilities.ts";

const BEGIN_SYNC = "\x1b[?2026h";
const END_SYNC = "\x1b[?2026l";
const ESC = 0x1b;

/** Starts a synchronized update if supported; returns the sink length to pass to {@link endSync}. */
export function beginSync(out: ByteSink, supported: boolean): number {
  const mark = out.length;
  if (supported) out.writeAscii(BEGIN_SYNC);
  return mark;
}

/** Ends a synchronized update; if nothing was written since {@link beginSync}, removes its opener instead. */
export function endSync(out: ByteSink, supported: boolean, mark: number): void {
  if (!supported) return;
  if (out.length === mark + BEGIN_SYNC.length) out.truncate(mark);
  else out.writeAscii(END_SYNC);
}

/** GNU screen passes through at most this many bytes per wrapped string. */
export const SCREEN_CHUNK = 768;

/**
 * Appends a complete DCS or APC sequence (`payload`, from its ESC to its ST) to `out`,
 * wrapped for the multiplexer: tmux gets `ESC P tmux; <payload, every ESC doubled> ESC \`
 * (needs `allow-passthrough on`); screen gets the payload cut into pieces of at most
 * {@link SCREEN_CHUNK} bytes, each in its own `ESC P … ESC \`.
 *
 * @example
 * ```ts
 * writePassthrough(out, sixelBytes, caps.passthrough);
 * ```
 */
export function writePassthrough(
  out: ByteSink,
  payload: Uint8Array,
  mode: RenderCapabilities["passthrough"],
): void {
  if (mode === "none") {
    out.writeBytes(payload);
    return;
  }
  if (mode === "tmux") {
    let escapes = 0;
    for (let i = 0; i < payload.length; i++) if (payload[i] === ESC) escapes++;
    const buf = out.ensure(payload.length + escapes + 10);
    let p = out.length;
    buf.set([ESC, 0x50, 0x74, 0x6d, 0x75, 0x78, 0x3b], p); // ESC P tmux;
    p += 7;
    for (let i = 0; i < payload.length; i++) {
      const b = payload[i];
      buf[p++] = b;
      if (b === ESC) buf[p++] = ESC;
    }
    buf[p++] = ESC;
    buf[p++] = 0x5c;
    out.length = p;
    return;
  }
  // screen: split so that no piece ends between an ESC and the byte after it.
  let i = 0;
  while (i < payload.length) {
    let end = Math.min(payload.length, i + SCREEN_CHUNK);
    if (end < payload.length && payload[end - 1] === ESC) end--;
    out.writeByte(ESC);
    out.writeByte(0x50);
    out.writeBytes(payload, i, end);
    out.writeByte(ESC);
    out.writeByte(0x5c);
    i = end;
  }
}
