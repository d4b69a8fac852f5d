/**
 * Rewriting a qcow2 image's backing file pointer: the backing file name and the backing
 * format header extension. The qcow2 module does not expose this, so it is done here
 * with its header and extension codecs. Everything changed lies in the first cluster and
 * is written with one write followed by a sync.
 */
import { DiskError } from "../errors.ts";
import {
  encodeExtensions,
  EXT_BACKING_FORMAT,
  type HeaderExtension,
  parseExtensions,
} from "../formats/qcow2/extensions.ts";
import { parseHeader } from "../formats/qcow2/header.ts";
import { HostFile } from "../host_file.ts";
import type { ImageFormat } from "../layer.ts";

/** Format names as QEMU records them in the backing format extension. */
const QEMU_NAMES: Readonly<Record<ImageFormat, string>> = { raw: "raw", qcow2: "qcow2", vhd: "vpc" };

/** Points the qcow2 image at `path` to `backingName` (stored as given) of format `backingFormat`. */
export function rewriteQcow2Backing(path: string, backingName: string, backingFormat: ImageFormat): void {
  const file = HostFile.open(path, false);
  try {
    const fileSize = file.size();
    const first = new Uint8Array(Math.min(fileSize, 2 ** 21));
    file.readUpTo(0, first);
    const header = parseHeader(first, fileSize, path);
    const clusterSize = 2 ** header.clusterBits;
    const cluster0 = first.subarray(0, Math.min(first.length, clusterSize));
    const extEnd = header.backingFileOffset !== 0 ? header.backingFileOffset : clusterSize;
    const old = parseExtensions(cluster0, header.headerLength, extEnd, path);
    const oldEnd = Math.max(
      header.headerLength + encodeExtensions(old).length,
      header.backingFileOffset + header.backingFileSize,
    );
    const kept: HeaderExtension[] = old.filter((e) => e.type !== EXT_BACKING_FORMAT);
    const name = new TextEncoder().encode(backingName);
    const extensions = name.length > 0
      ? [{ type: EXT_BACKING_FORMAT, data: new TextEncoder().encode(QEMU_NAMES[backingFormat]) }, ...kept]
      : kept;
    const extBytes = encodeExtensions(extensions);
    const nameOffset = header.headerLength + extBytes.length;
    if (nameOffset + name.length > clusterSize || name.length > 1023) {
      throw new DiskError(path, `qcow2: backing file name "${backingName}" does not fit in the header`);
    }
    const region = new Uint8Array(Math.max(oldEnd, nameOffset + name.length));
    region.set(cluster0.subarray(0, header.headerLength));
    const view = new DataView(region.buffer);
    view.setBigUint64(8, BigInt(name.length > 0 ? nameOffset : 0));
    view.setUint32(16, name.length);
    region.set(extBytes, header.headerLength);
    region.set(name, nameOffset);
    file.writeAt(0, region);
    file.sync();
  } finally {
    file.close();
  }
}
