/** Decodes the hex text of the generated font files (whitespace ignored) into bytes. */
export function hexToBytes(text: string): Uint8Array {
  // Runs at import time on every start, so it works on char codes directly: no regex over
  // the whole text, no substring per byte.
  const out = new Uint8Array(text.length >>> 1);
  let n = 0;
  let high = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let v: number;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) v = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) v = c - 0x37;
    else if (c === 0x20 || c === 0x0A || c === 0x0D || c === 0x09) continue;
    else throw new Error("malformed font hex data");
    if (high < 0) {
      high = v;
    } else {
      out[n++] = (high << 4) | v;
      high = -1;
    }
  }
  if (high >= 0) throw new Error("malformed font hex data");
  return out.slice(0, n);
}
