/**
 * A parser for PC Screen Font files (PSF1 and PSF2), the format of the Linux
 * console fonts in /usr/share/consolefonts. Used only by the font generator.
 */

/** A bitmap font read from a PSF file. */
export interface PsfFont {
  readonly width: number;
  readonly height: number;
  /** Bytes per glyph row ((width + 7) >> 3); bit 7 of the first byte is the leftmost pixel. */
  readonly bytesPerRow: number;
  readonly glyphCount: number;
  /** `glyphCount * height * bytesPerRow` bytes. */
  readonly glyphs: Uint8Array;
  /** Unicode code point → glyph index, from the file's Unicode table. */
  readonly unicode: Map<number, number>;
}

const PSF1_MAGIC = 0x0436;
const PSF2_MAGIC = 0x864AB572;

/** Parses an uncompressed PSF1 or PSF2 file; throws on anything else. */
export function parsePsf(data: Uint8Array): PsfFont {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length >= 4 && view.getUint16(0, true) === PSF1_MAGIC) return parsePsf1(data);
  if (data.length >= 32 && view.getUint32(0, true) === PSF2_MAGIC) return parsePsf2(data, view);
  throw new Error("not a PSF font (bad magic)");
}

function parsePsf1(data: Uint8Array): PsfFont {
  const mode = data[2];
  const height = data[3];
  const glyphCount = (mode & 1) !== 0 ? 512 : 256;
  const size = glyphCount * height;
  const glyphs = data.slice(4, 4 + size);
  if (glyphs.length !== size) throw new Error("PSF1 font truncated");
  const unicode = new Map<number, number>();
  if ((mode & 6) !== 0) {
    // Per glyph: 16-bit code points; FFFE starts a combining sequence (skipped), FFFF ends the glyph.
    let pos = 4 + size;
    for (let g = 0; g < glyphCount && pos + 1 < data.length; g++) {
      let inSequence = false;
      for (; pos + 1 < data.length; pos += 2) {
        const cp = data[pos] | (data[pos + 1] << 8);
        if (cp === 0xFFFF) break;
        if (cp === 0xFFFE) inSequence = true;
        else if (!inSequence && !unicode.has(cp)) unicode.set(cp, g);
      }
      pos += 2;
    }
  }
  return { width: 8, height, bytesPerRow: 1, glyphCount, glyphs, unicode };
}

function parsePsf2(data: Uint8Array, view: DataView): PsfFont {
  const headerSize = view.getUint32(8, true);
  const flags = view.getUint32(12, true);
  const glyphCount = view.getUint32(16, true);
  const charSize = view.getUint32(20, true);
  const height = view.getUint32(24, true);
  const width = view.getUint32(28, true);
  const bytesPerRow = (width + 7) >> 3;
  if (charSize !== bytesPerRow * height) throw new Error("PSF2 glyph size does not match its dimensions");
  const glyphs = data.slice(headerSize, headerSize + glyphCount * charSize);
  if (glyphs.length !== glyphCount * charSize) throw new Error("PSF2 font truncated");
  const unicode = new Map<number, number>();
  if ((flags & 1) !== 0) {
    // Per glyph: UTF-8 strings; FE starts a combining sequence (skipped), FF ends the glyph.
    let pos = headerSize + glyphCount * charSize;
    const decoder = new TextDecoder();
    for (let g = 0; g < glyphCount && pos < data.length; g++) {
      let end = pos;
      while (end < data.length && data[end] !== 0xFF) end++;
      let single = end;
      for (let i = pos; i < end; i++) {
        if (data[i] === 0xFE) {
          single = i;
          break;
        }
      }
      for (const ch of decoder.decode(data.subarray(pos, single))) {
        const cp = ch.codePointAt(0)!;
        if (!unicode.has(cp)) unicode.set(cp, g);
      }
      pos = end + 1;
    }
  }
  return { width, height, bytesPerRow, glyphCount, glyphs, unicode };
}
