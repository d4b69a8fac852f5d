/**
 * The shared-memory answer of the child file worker (core/snapshot/spare_worker.ts) to
 * {@link SpareMaker}: written by the worker, read on the emulation thread once `Atomics.waitAsync`
 * says it is there. No module-level code: both threads import it.
 */
import type { Qcow2Preload } from "../../disks/formats/qcow2/qcow2_image.ts";

/**
 * The reply buffer: Int32 words [state, file byte length, refcount table entries (-1: none), 0],
 * then the file's bytes, then (8-aligned) the refcount table as Float64 values. State goes
 * from {@link REPLY_PENDING} to {@link REPLY_PRELOADED}, {@link REPLY_MADE} (made, bytes not sent:
 * too large for the buffer) or {@link REPLY_FAILED} (the error follows by message).
 */
export const REPLY_HEADER_BYTES = 16;
export const REPLY_PENDING = 0;
export const REPLY_PRELOADED = 1;
export const REPLY_MADE = 2;
export const REPLY_FAILED = 3;

/** Size of a reply buffer (a fresh child is a few clusters; larger files are sent as {@link REPLY_MADE}). */
export const REPLY_BUFFER_BYTES = 1 << 20;

/** Writes `preload` into `reply` (or marks it made without bytes when it does not fit) and wakes the waiter. */
export function writeReply(reply: SharedArrayBuffer, preload: Qcow2Preload | null): void {
  const words = new Int32Array(reply, 0, 4);
  let state = REPLY_MADE;
  if (preload !== null) {
    const n = preload.bytes.length;
    const tableAt = (REPLY_HEADER_BYTES + n + 7) & ~7;
    const table = preload.refcountTable;
    const end = tableAt + (table === null ? 0 : table.length * 8);
    if (end <= reply.byteLength) {
      new Uint8Array(reply, REPLY_HEADER_BYTES, n).set(preload.bytes);
      if (table !== null) new Float64Array(reply, tableAt, table.length).set(table);
      words[1] = n;
      words[2] = table === null ? -1 : table.length;
      state = REPLY_PRELOADED;
    }
  }
  Atomics.store(words, 0, state);
  Atomics.notify(words, 0);
}

/** Reads a reply written by {@link writeReply} (copies: the buffer is not kept). */
export function readReply(reply: SharedArrayBuffer): Qcow2Preload | null {
  const words = new Int32Array(reply, 0, 4);
  if (Atomics.load(words, 0) !== REPLY_PRELOADED) return null;
  const n = words[1], entries = words[2];
  const bytes = new Uint8Array(reply, REPLY_HEADER_BYTES, n).slice();
  const tableAt = (REPLY_HEADER_BYTES + n + 7) & ~7;
  const refcountTable = entries < 0 ? null : new Float64Array(reply, tableAt, entries).slice();
  return { bytes, refcountTable };
}
