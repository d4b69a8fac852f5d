/**
 * Creates differencing child files off the emulation thread (creating a qcow2 file syncs it
 * and its directory: several ms of blocking I/O). Used by {@link SpareMaker}.
 */
import { createQcow2Image } from "../../disks/formats/registry.ts";
import type { ImageFormat } from "../../disks/layer.ts";

/** A request: create `path` as an empty qcow2 child of `backingFile` (relative to `path`). */
export interface SpareRequest {
  readonly seq: number;
  readonly path: string;
  readonly size: number;
  readonly backingFile: string;
  readonly backingFormat: ImageFormat;
}

/** The answer: null error on success. */
export interface SpareReply {
  readonly seq: number;
  readonly error: string | null;
}

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<SpareRequest>) => void) | null;
  postMessage(reply: SpareReply): void;
};

scope.onmessage = (e) => {
  const r = e.data;
  try {
    createQcow2Image(r.path, { size: r.size, backingFile: r.backingFile, backingFormat: r.backingFormat });
    scope.postMessage({ seq: r.seq, error: null });
  } catch (err) {
    scope.postMessage({ seq: r.seq, error: err instanceof Error ? err.message : String(err) });
  }
};
