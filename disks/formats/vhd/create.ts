/**
 * Creating VHD files: fixed, dynamic, and differencing children of an existing VHD.
 * Every file is built under a temporary name and renamed into place.
 */
import { basename, dirname, relative, resolve } from "../../path.ts";
import { SECTOR_SIZE } from "../../block_device.ts";
import { type AtomicCreateOptions, createAtomically } from "../../atomic_create.ts";
import { DiskError } from "../../errors.ts";
import { vhdChsExactSize } from "../../geometry.ts";
import type { HostFile } from "../../host_file.ts";
import { batBytes, encodeBat, UNALLOCATED } from "./bat.ts";
import { DEFAULT_BLOCK_SIZE, encodeHeader, HEADER_SIZE, type LocatorEntry } from "./dynamic_header.ts";
import {
  DISK_TYPE_DIFFERENCING,
  DISK_TYPE_DYNAMIC,
  DISK_TYPE_FIXED,
  encodeFooter,
  FOOTER_SIZE,
  newFooter,
  type VhdFooter,
} from "./footer.ts";
import { locatorPayload, PLATFORM_W2KU, PLATFORM_W2RU, relativeLocatorText } from "./locators.ts";
import { openVhd } from "./vhd_image.ts";

/** The largest VHD the format allows (2040 GiB, limited by its 32-bit sector offsets). */
export const VHD_MAX_BYTES = 2040 * 1024 * 1024 * 1024;

export interface CreateVhdOptions extends AtomicCreateOptions {
  /** Requested virtual size in bytes; rounded up so the CHS geometry addresses it exactly. */
  readonly size: number;
  readonly type: "fixed" | "dynamic";
  /** Dynamic block size in bytes (power of two, ≥ 512; default 2 MiB). */
  readonly blockSize?: number;
}

/**
 * Creates a fixed or dynamic VHD. Returns the virtual size in bytes, which may exceed the
 * request: it is rounded up to what the CHS geometry addresses, as Virtual PC and QEMU
 * size VHDs by geometry.
 */
export function createVhd(path: string, options: CreateVhdOptions): number {
  const { sectors, geometry } = vhdChsExactSize(Math.ceil(checkSize(path, options.size) / SECTOR_SIZE));
  const size = sectors * SECTOR_SIZE;
  if (options.type === "fixed") {
    const footer = newFooter({ diskType: DISK_TYPE_FIXED, size, geometry, dataOffset: null });
    createAtomically(path, (file) => {
      file.truncate(size);
      file.writeAt(size, encodeFooter(footer));
    }, options);
    return size;
  }
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (blockSize < SECTOR_SIZE || (blockSize & (blockSize - 1)) !== 0 || blockSize > 256 * 1024 * 1024) {
    throw new DiskError(path, `block size ${blockSize} must be a power of two between 512 bytes and 256 MiB`);
  }
  const footer = newFooter({ diskType: DISK_TYPE_DYNAMIC, size, geometry, dataOffset: FOOTER_SIZE });
  createAtomically(path, (file) => writeDynamic(file, footer, blockSize, emptyParent()), options);
  return size;
}

/**
 * Creates a differencing VHD over the VHD at `parentPath`, recording its unique id, its
 * modification time, its name, and W2ru (relative) + W2ku (absolute) locators.
 * The parent is opened read-only and never written.
 */
export function createVhdDifferencing(
  path: string,
  parentPath: string,
  options: AtomicCreateOptions = {},
): void {
  const parent = openVhd(parentPath, { readOnly: true });
  try {
    const absoluteParent = Deno.realPathSync(parentPath);
    const childDir = resolve(dirname(path));
    const relativeText = relativeLocatorText(relative(childDir, absoluteParent));
    const footer = newFooter({
      diskType: DISK_TYPE_DIFFERENCING,
      size: parent.sectorCount * SECTOR_SIZE,
      geometry: parent.footer.geometry,
      dataOffset: FOOTER_SIZE,
    });
    const blockSize = parent.header?.blockSize ?? DEFAULT_BLOCK_SIZE;
    const link: ParentLink = {
      uniqueId: parent.footer.uniqueId,
      timestamp: parent.modificationTimestamp(),
      name: basename(absoluteParent),
      locators: [
        { platformCode: PLATFORM_W2RU, text: relativeText },
        { platformCode: PLATFORM_W2KU, text: absoluteParent },
      ],
    };
    createAtomically(path, (file) => writeDynamic(file, footer, blockSize, link), options);
  } finally {
    parent.close();
  }
}

interface ParentLink {
  readonly uniqueId: Uint8Array;
  readonly timestamp: number;
  readonly name: string;
  readonly locators: readonly { platformCode: number; text: string }[];
}

function emptyParent(): ParentLink {
  return { uniqueId: new Uint8Array(16), timestamp: 0, name: "", locators: [] };
}

/** Layout: footer copy, header, BAT, locator data, trailing footer. */
function writeDynamic(file: HostFile, footer: VhdFooter, blockSize: number, parent: ParentLink): void {
  const maxTableEntries = Math.ceil(footer.currentSize / blockSize);
  const tableOffset = FOOTER_SIZE + HEADER_SIZE;
  let next = tableOffset + batBytes(maxTableEntries);
  const entries: LocatorEntry[] = [];
  for (const locator of parent.locators) {
    const payload = locatorPayload(locator.text);
    entries.push({
      platformCode: locator.platformCode,
      dataSpace: payload.sectors,
      dataLength: payload.bytes.length,
      dataOffset: next,
    });
    const padded = new Uint8Array(payload.sectors * SECTOR_SIZE);
    padded.set(payload.bytes);
    file.writeAt(next, padded);
    next += padded.length;
  }
  const header = encodeHeader({
    tableOffset,
    headerVersion: 0x00010000,
    maxTableEntries,
    blockSize,
    parentUniqueId: parent.uniqueId,
    parentTimestamp: parent.timestamp,
    parentUnicodeName: parent.name,
    locators: entries,
  });
  const footerBytes = encodeFooter(footer);
  file.writeAt(0, footerBytes);
  file.writeAt(FOOTER_SIZE, header);
  file.writeAt(tableOffset, encodeBat(new Uint32Array(maxTableEntries).fill(UNALLOCATED)));
  file.writeAt(next, footerBytes);
}

function checkSize(path: string, size: number): number {
  if (!Number.isSafeInteger(size) || size <= 0) throw new DiskError(path, `invalid disk size ${size}`);
  if (size > VHD_MAX_BYTES) throw new DiskError(path, `size ${size} exceeds the VHD maximum of 2040 GiB`);
  return size;
}
