/**
 * zstd through node:zlib, with the level snapshots use (fast: pages are compressed in 1 ms pump slices).
 *
 * `zstdCompressSync` / `zstdDecompressSync` build a whole stream object per call (a Transform with
 * its readable and writable state, listeners, an output chunk): ~3.4 KB of garbage and ~13–16 µs
 * per 4 KiB page. A snapshot compresses and a restore decompresses hundreds of pages, so that
 * garbage brought scavenges (0.5–1.5 ms each, on the emulation thread) into pumps and event-loop
 * turns. Instead one compressor and one decompressor are kept and each frame is run through the
 * engine's handle directly (`writeSync` with the finish flag, then `reset`), into a reused output
 * buffer: ~1.5–3.5 µs per page and only the result allocated. The frames are the same bytes (same
 * library, level and single-call end of frame). Whatever this path cannot do (an engine that
 * does not have that shape, output larger than the buffer, an error) goes through the public
 * functions, which give the usual result or error.
 */
import zlib, { constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";

const FAST = { params: { [constants.ZSTD_c_compressionLevel]: 1 } };

/** The part of a node:zlib engine this module drives (not public API: checked before use). */
interface RawEngine {
  readonly _handle: {
    writeSync(
      flush: number,
      input: Uint8Array,
      inOff: number,
      inLen: number,
      out: Uint8Array,
      outOff: number,
      outLen: number,
    ): void;
    reset(): void;
  };
  readonly _writeState: Uint32Array;
  readonly _finishFlushFlag: number;
}

/** Output room of the reused buffer (a page's frame, the device state; larger output falls back). */
const OUT_BYTES = 256 << 10;

/** One reusable engine; {@link run} returns the output length, or -1 when the public function must do it. */
class ReusedEngine {
  readonly #make: () => unknown;
  #engine: RawEngine | null = null;
  #unusable = false;
  readonly out = new Uint8Array(OUT_BYTES);

  constructor(make: () => unknown) {
    this.#make = make;
  }

  run(input: Uint8Array): number {
    if (this.#unusable) return -1;
    let engine = this.#engine;
    if (engine === null) {
      try {
        const e = this.#make() as Partial<RawEngine>;
        if (
          typeof e._handle?.writeSync !== "function" || typeof e._handle.reset !== "function" ||
          !(e._writeState instanceof Uint32Array) || typeof e._finishFlushFlag !== "number"
        ) {
          this.#unusable = true;
          return -1;
        }
        engine = e as RawEngine;
      } catch {
        this.#unusable = true;
        return -1;
      }
      this.#engine = engine;
    }
    const out = this.out;
    try {
      engine._handle.writeSync(engine._finishFlushFlag, input, 0, input.length, out, 0, out.length);
      const availOut = engine._writeState[0], availIn = engine._writeState[1];
      engine._handle.reset();
      // Not all input taken, or the buffer full (the frame may go on): the public function does it.
      if (availIn !== 0 || availOut === 0) return -1;
      return out.length - availOut;
    } catch {
      // A damaged frame (or an engine in a bad state): a fresh engine next time; the public
      // function gives the result or the error.
      this.#engine = null;
      return -1;
    }
  }
}

// The engine classes (not in node:zlib's type declarations; the factories return the same objects).
const engines = zlib as unknown as {
  createZstdCompress(o: object): unknown;
  createZstdDecompress(): unknown;
};
const compressor = new ReusedEngine(() => engines.createZstdCompress(FAST));
const decompressor = new ReusedEngine(() => engines.createZstdDecompress());

function compress(data: Uint8Array): Uint8Array {
  const n = compressor.run(data);
  return n < 0 ? zstdCompressSync(data, FAST) : compressor.out.slice(0, n);
}

/** Compresses one page (level 1). */
export function compressPage(data: Uint8Array): Uint8Array {
  return compress(data);
}

/**
 * Compresses a larger block such as the device state (level 1 too: level 3 took 2-6 times as long
 * for the ~4 KiB state, inside a pump step, and saved a few bytes).
 */
export function compressBlock(data: Uint8Array): Uint8Array {
  return compress(data);
}

/** Decompresses a zstd frame. */
export function decompress(data: Uint8Array): Uint8Array {
  const n = decompressor.run(data);
  return n < 0 ? zstdDecompressSync(data) : decompressor.out.slice(0, n);
}
