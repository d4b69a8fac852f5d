/**
 * Creates differencing child files off the emulation thread (creating a qcow2 file syncs it
 * and its directory: several ms of blocking I/O). Used by {@link SpareMaker}.
 */
import { createQcow2Image } from "../../disks/formats/registry.ts";
import { preloadQcow2, type Qcow2Preload } from "../../disks/formats/qcow2/qcow2_image.ts";
import type { ImageFormat } from "../../disks/layer.ts";

/** A request: create `path` as an empty qcow2 child of `backingFile` (relative to `path`). */
export interface SpareRequest {
  readonly seq: number;
  readonly path: string;
  readonly size: number;
  readonly backingFile: string;
  readonly backingFormat: ImageFormat;
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
    const transfer: Transferable[] = [];
    if (preload) transfer.push(preload.bytes.buffer as ArrayBuffer);
    if (preload?.refcountTable) transfer.push(preload.refcountTable.buffer as ArrayBuffer);
    scope.postMessage({ seq: r.seq, error: null, preload }, transfer);
  } catch (err) {
    scope.postMessage({ seq: r.seq, error: err instanceof Error ? err.message : String(err) });
  }
};
