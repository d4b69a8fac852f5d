/**
 * The internal snapshot table: only what the checker needs (where each snapshot's L1
 * table is, and how many bytes the table itself spans). tty86 never writes snapshots.
 */
import { DiskError } from "../../errors.ts";
import type { HostFile } from "../../host_file.ts";
import { MAX_L1_BYTES } from "./header.ts";

const ENTRY_FIXED_SIZE = 40;
/** QEMU's limit on a snapshot entry's extra data; larger is a hostile size field. */
const MAX_EXTRA_DATA = 1024;

/** One snapshot's active-table reference. */
export interface SnapshotInfo {
  readonly id: string;
  readonly name: string;
  readonly l1TableOffset: number;
  readonly l1Size: number;
}

/** Reads `count` entries at `offset`; returns them with the table's byte length. */
export function readSnapshotTable(
  file: HostFile,
  offset: number,
  count: number,
): { snapshots: SnapshotInfo[]; tableBytes: number } {
  const snapshots: SnapshotInfo[] = [];
  const fixed = new Uint8Array(ENTRY_FIXED_SIZE);
  const view = new DataView(fixed.buffer);
  let at = offset;
  for (let n = 0; n < count; n++) {
    file.readAt(at, fixed);
    const l1Offset = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
    const l1Size = view.getUint32(8);
    const idLength = view.getUint16(12);
    const nameLength = view.getUint16(14);
    const extraLength = view.getUint32(36);
    if (extraLength > MAX_EXTRA_DATA) {
      throw new DiskError(file.path, `qcow2: snapshot ${n} has absurd extra data size ${extraLength}`);
    }
    if (l1Size * 8 > MAX_L1_BYTES) {
      throw new DiskError(file.path, `qcow2: snapshot ${n} has absurd L1 size ${l1Size}`);
    }
    const strings = new Uint8Array(idLength + nameLength);
    file.readAt(at + ENTRY_FIXED_SIZE + extraLength, strings);
    const decoder = new TextDecoder();
    snapshots.push({
      id: decoder.decode(strings.subarray(0, idLength)),
      name: decoder.decode(strings.subarray(idLength)),
      l1TableOffset: l1Offset,
      l1Size,
    });
    at += Math.ceil((ENTRY_FIXED_SIZE + extraLength + idLength + nameLength) / 8) * 8;
  }
  return { snapshots, tableBytes: at - offset };
}
