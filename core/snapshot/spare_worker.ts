/**
 * Creates differencing child files off the emulation thread (creating a qcow2 file syncs it
 * and its directory: several ms of blocking I/O). Used by {@link SpareMaker}.
 *
 * A successful answer goes back through the request's shared {@link SpareRequest.reply} buffer
 * (the file's bytes and decoded refcount table written there, then `Atomics.notify`), not as a
 * message: receiving a worker message costs the emulation thread ~1–1.5 ms of CPU in one turn
 * (the runtime's message polling, deserialization and event dispatch, code that runs a few times
 * per session and so runs cold), while a notify only settles a promise. Failures (and requests
 * without a reply buffer) are answered by message.
 */
import { createQcow2Image } from "../../disks/formats/registry.ts";
import { preloadQcow2, type Qcow2Preload } from "../../disks/formats/qcow2/qcow2_image.ts";
import type { ImageFormat } from "../../disks/layer.ts";
import { REPLY_FAILED, writeReply } from "./spare_reply.ts";

/** A request: create `path` as an empty qcow2 child of `backingFile` (relative to `path`). */
export interface SpareRequest {
  readonly seq: number;
  readonly path: string;
  readonly size: number;
  readonly backingFile: string;
  readonly backingFormat: ImageFormat;
  /**
   * Where a successful answer is written (layout: `spare_reply.ts`); absent: answered
   * by message.
   */
  readonly reply?: SharedArrayBuffer;
}

/**
 * The answer: null error on success, with the new file's bytes (read back by the worker, so
 * the emulation thread opens it without reading or decoding: `openQcow2Preloaded`), or null when larger
 * than {@link MAX_PRELOAD_BYTES}.
 */
export interface SpareReply {
  readonly seq: number;
  readonly error: string | null;
  readonly preload?: Qcow2Preload | null;
}

/** Largest new file whose bytes are sent back (a fresh child is a few clusters). */
export const MAX_PRELOAD_BYTES = 4 << 20;

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<SpareRequest>) => void) | null;
  postMessage(reply: SpareReply, transfer?: Transferable[]): void;
};

scope.onmessage = (e) => {
  const r = e.data;
  try {
    createQcow2Image(r.path, { size: r.size, backingFile: r.backingFile, backingFormat: r.backingFormat });
    const size = Deno.statSync(r.path).size;
    const preload = size <= MAX_PRELOAD_BYTES ? preloadQcow2(r.path, Deno.readFileSync(r.path)) : null;
    if (r.reply !== undefined) {
      writeReply(r.reply, preload);
      return;
    }
    const transfer: Transferable[] = [];
    if (preload) transfer.push(preload.bytes.buffer as ArrayBuffer);
    if (preload?.refcountTable) transfer.push(preload.refcountTable.buffer as ArrayBuffer);
    scope.postMessage({ seq: r.seq, error: null, preload }, transfer);
  } catch (err) {
    if (r.reply !== undefined) {
      // The waiter stops waiting; the error itself comes by message.
      const words = new Int32Array(r.reply, 0, 4);
      Atomics.store(words, 0, REPLY_FAILED);
      Atomics.notify(words, 0);
    }
    scope.postMessage({ seq: r.seq, error: err instanceof Error ? err.message : String(err) });
  }
};
