/**
 * Re-basing: rewrites a snapshot so it no longer needs its tree parent, by taking
 * over the parent's page records where it referred to them (compressed data is
 * copied, not recompressed). Used when a snapshot with children is deleted.
 */
import { ByteWriter } from "./byte_writer.ts";
import { crc32 } from "./crc32.ts";
import { encodeHead, encodeTrailer, writeMemoryHead } from "./file_layout.ts";
import { PAGE_RAW, PAGE_REF, PAGE_ZSTD, type SnapshotMeta } from "./format.ts";
import { SnapshotError } from "./errors.ts";
import type { SnapshotFile } from "./snapshot_file.ts";

/** The bytes of `child` re-parented onto `removed`'s parent (its references into `removed` resolved). */
export function rebaseOnto(child: SnapshotFile, removed: SnapshotFile): Uint8Array {
  const diffOfRemoved = child.meta.baseId === removed.meta.id;
  const meta: SnapshotMeta = {
    ...child.meta,
    parentId: removed.meta.parentId,
    baseId: diffOfRemoved ? removed.meta.baseId : child.meta.baseId,
    diffDepth: diffOfRemoved ? removed.meta.diffDepth : child.meta.diffDepth,
  };
  const state = child.stateSection();
  const w = new ByteWriter(child.bytes.length + 65536);
  w.raw(encodeHead(meta, state.rawLength, state.packed));
  for (const m of child.memories) {
    const r = removed.memory(m.name);
    writeMemoryHead(w, m.name, m.size, m.pageCount);
    for (let p = 0; p < m.pageCount; p++) {
      let from = child, s = m;
      if (diffOfRemoved && m.kinds[p] === PAGE_REF) {
        if (!r || r.pageCount !== m.pageCount) {
          throw new SnapshotError(
            child.source,
            `memory ${m.name} refers to ${removed.meta.id}, which lacks it`,
          );
        }
        from = removed;
        s = r;
      }
      const kind = s.kinds[p];
      w.u32(p);
      w.u8(kind);
      if (kind === PAGE_ZSTD || kind === PAGE_RAW) {
        w.u32(s.lengths[p]);
        w.raw(from.bytes.subarray(s.offsets[p], s.offsets[p] + s.lengths[p]));
      }
    }
  }
  const body = w.bytes();
  const out = new Uint8Array(body.length + 24);
  out.set(body);
  out.set(encodeTrailer(body.length, crc32(body)), body.length);
  return out;
}
