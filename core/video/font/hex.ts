/** Decodes the hex text of the generated font files (whitespace ignored) into bytes. */
export function hexToBytes(text: string): Uint8Array {
  const hex = text.replace(/\s+/g, "");
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new Error("malformed font hex data");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
