/**
 * Remembers what small zstd frames decompressed to, so byte-identical frames are decompressed once.
 * Snapshot pages are one frame each, and many are alike (in the demo's VGA memory 56 of 64 pages
 * are the same 20-byte frame); each node:zlib call costs ~20–35 µs whatever the size, which made
 * decoding a restore's video memory take ~2 ms. Identical input gives identical output, so a
 * remembered result is exact; frames are compared byte for byte, the hash only picks the bucket.
 *
 * @example
 * ```ts
 * const memo = new FrameMemo();
 * const page = memo.decode(frame, decompress); // a copy is kept; the result must not be changed
 * ```
 */

/** Frames up to this size are remembered (larger ones are real content, rarely repeated). */
const MAX_FRAME_BYTES = 512;
/** Results kept at most (each a 4 KiB page, so ≤ 1 MiB). */
const MAX_ENTRIES = 256;

interface Entry {
  readonly frame: Uint8Array;
  readonly plain: Uint8Array;
}

/** Decompresses through `decode`, once per distinct small frame. */
export class FrameMemo {
  readonly #buckets = new Map<number, Entry[]>();
  #entries = 0;
  /** Frames served from memory (tests, figures). */
  hits = 0;

  /** `decode(frame)`'s result; for small frames a shared copy (callers copy it out, never change it). */
  decode(frame: Uint8Array, decode: (frame: Uint8Array) => Uint8Array): Uint8Array {
    if (frame.length > MAX_FRAME_BYTES) return decode(frame);
    const key = hashBytes(frame);
    const bucket = this.#buckets.get(key);
    if (bucket !== undefined) {
      for (const e of bucket) {
        if (sameBytes(e.frame, frame)) {
          this.hits++;
          return e.plain;
        }
      }
    }
    const plain = decode(frame);
    if (this.#entries < MAX_ENTRIES) {
      const entry = { frame: frame.slice(), plain };
      if (bucket === undefined) this.#buckets.set(key, [entry]);
      else bucket.push(entry);
      this.#entries++;
    }
    return plain;
  }
}

/** FNV-1a over the bytes. */
function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
