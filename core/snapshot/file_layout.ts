/** Encoders for the fixed parts of a `.t86snap` file, shared by the live writer and re-basing. */
import { ByteWriter } from "./byte_writer.ts";
import {
  COMPLETE_MARKER,
  FORMAT_VERSION,
  SNAPSHOT_MAGIC,
  type SnapshotMeta,
  TAG_MEMORY,
  TAG_STATE,
  TAG_TRAILER,
} from "./format.ts";

/** Magic, version, metadata and the compressed device-state section. */
export function encodeHead(meta: SnapshotMeta, stateRawLength: number, statePacked: Uint8Array): Uint8Array {
  const w = new ByteWriter(statePacked.length + 4096);
  w.raw(SNAPSHOT_MAGIC);
  w.u16(FORMAT_VERSION);
  w.u16(0);
  w.string(JSON.stringify(meta));
  w.u32(TAG_STATE);
  w.u32(stateRawLength);
  w.u32(statePacked.length);
  w.raw(statePacked);
  return w.bytes();
}

/** Starts a memory section in `w`; the page records follow. */
export function writeMemoryHead(w: ByteWriter, name: string, size: number, pageCount: number): void {
  w.u32(TAG_MEMORY);
  w.string(name);
  w.u32(size);
  w.u32(pageCount);
}

/** The trailer: body length, CRC-32 of the body, and the completion marker (the file's last bytes). */
export function encodeTrailer(bodyLength: number, bodyCrc: number): Uint8Array {
  const t = new ByteWriter(32);
  t.u32(TAG_TRAILER);
  t.u64(bodyLength);
  t.u32(bodyCrc);
  t.raw(COMPLETE_MARKER);
  return t.bytes();
}
