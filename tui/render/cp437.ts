/**
 * CP437 codes as UTF-8 bytes, ready to copy into terminal output. The code page
 * itself (including the graphic glyphs of 00h–1Fh and 7Fh) is core's table.
 */
import { CP437_TO_UNICODE } from "../../core/video/font/cp437.ts";

/**
 * UTF-8 encoding of each CP437 code: bytes at `[code * 4, code * 4 + CP437_UTF8_LENGTH[code])`.
 *
 * @example
 * ```ts
 * out.writeBytes(CP437_UTF8, code * 4, code * 4 + CP437_UTF8_LENGTH[code]);
 * ```
 */
export const CP437_UTF8: Uint8Array = new Uint8Array(256 * 4);
/** Length in bytes (1–3) of each code's UTF-8 encoding in {@link CP437_UTF8}. */
export const CP437_UTF8_LENGTH: Uint8Array = new Uint8Array(256);

{
  const encoder = new TextEncoder();
  for (let code = 0; code < 256; code++) {
    const bytes = encoder.encode(String.fromCodePoint(CP437_TO_UNICODE[code]));
    CP437_UTF8.set(bytes, code * 4);
    CP437_UTF8_LENGTH[code] = bytes.length;
  }
}

/** True for codes that show no ink in the VGA font (NUL, space, NBSP): only the background matters. */
export function isBlankGlyph(code: number): boolean {
  return code === 0x00 || code === 0x20 || code === 0xff;
}
