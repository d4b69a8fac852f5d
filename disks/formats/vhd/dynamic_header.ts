/**
 * The 1024-byte VHD dynamic disk header (`cxsparse`, big-endian): where the BAT is,
 * how many blocks and how big, and for differencing disks who the parent is.
 */
import { onesComplementChecksum } from "./footer.ts";

export const HEADER_SIZE = 1024;
export const HEADER_COOKIE = "cxsparse";
export const DEFAULT_BLOCK_SIZE = 2 * 1024 * 1024;
export const LOCATOR_COUNT = 8;
const CHECKSUM_OFFSET = 36;
const PARENT_NAME_OFFSET = 64;
const PARENT_NAME_BYTES = 512;
const LOCATORS_OFFSET = 576;
const LOCATOR_ENTRY_SIZE = 24;

/** One parent locator entry: where the platform-specific parent path lives in the file. */
export interface LocatorEntry {
  readonly platformCode: number;
  /** Space reserved for the data; the specification counts it in 512-byte sectors. */
  readonly dataSpace: number;
  readonly dataLength: number;
  readonly dataOffset: number;
}

export interface DynamicHeader {
  readonly tableOffset: number;
  readonly headerVersion: number;
  readonly maxTableEntries: number;
  readonly blockSize: number;
  readonly parentUniqueId: Uint8Array;
  /** The parent's modification time, seconds since 2000-01-01 UTC. */
  readonly parentTimestamp: number;
  readonly parentUnicodeName: string;
  readonly locators: readonly LocatorEntry[];
}

export interface DecodedHeader extends DynamicHeader {
  readonly storedChecksum: number;
  readonly computedChecksum: number;
}

/** Decodes a dynamic header; null when the cookie is not `cxsparse`. */
export function decodeHeader(bytes: Uint8Array): DecodedHeader | null {
  if (bytes.length < HEADER_SIZE) return null;
  if (String.fromCharCode(...bytes.subarray(0, 8)) !== HEADER_COOKIE) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  const locators: LocatorEntry[] = [];
  for (let i = 0; i < LOCATOR_COUNT; i++) {
    const at = LOCATORS_OFFSET + i * LOCATOR_ENTRY_SIZE;
    locators.push({
      platformCode: view.getUint32(at),
      dataSpace: view.getUint32(at + 4),
      dataLength: view.getUint32(at + 8),
      dataOffset: Number(view.getBigUint64(at + 16)),
    });
  }
  return {
    tableOffset: Number(view.getBigUint64(16)),
    headerVersion: view.getUint32(24),
    maxTableEntries: view.getUint32(28),
    blockSize: view.getUint32(32),
    storedChecksum: view.getUint32(CHECKSUM_OFFSET),
    computedChecksum: onesComplementChecksum(bytes.subarray(0, HEADER_SIZE), CHECKSUM_OFFSET),
    parentUniqueId: bytes.slice(40, 56),
    parentTimestamp: view.getUint32(56),
    parentUnicodeName: decodeUtf16(
      bytes.subarray(PARENT_NAME_OFFSET, PARENT_NAME_OFFSET + PARENT_NAME_BYTES),
      false,
    ),
    locators,
  };
}

/** Encodes a dynamic header with a freshly computed checksum. */
export function encodeHeader(h: DynamicHeader): Uint8Array {
  const bytes = new Uint8Array(HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(HEADER_COOKIE), 0);
  view.setBigUint64(8, 0xFFFFFFFFFFFFFFFFn);
  view.setBigUint64(16, BigInt(h.tableOffset));
  view.setUint32(24, h.headerVersion);
  view.setUint32(28, h.maxTableEntries);
  view.setUint32(32, h.blockSize);
  bytes.set(h.parentUniqueId.subarray(0, 16), 40);
  view.setUint32(56, h.parentTimestamp);
  const name = encodeUtf16(h.parentUnicodeName, false);
  bytes.set(name.subarray(0, PARENT_NAME_BYTES), PARENT_NAME_OFFSET);
  h.locators.slice(0, LOCATOR_COUNT).forEach((l, i) => {
    const at = LOCATORS_OFFSET + i * LOCATOR_ENTRY_SIZE;
    view.setUint32(at, l.platformCode);
    view.setUint32(at + 4, l.dataSpace);
    view.setUint32(at + 8, l.dataLength);
    view.setBigUint64(at + 16, BigInt(l.dataOffset));
  });
  view.setUint32(CHECKSUM_OFFSET, onesComplementChecksum(bytes, CHECKSUM_OFFSET));
  return bytes;
}

/** UTF-16 text (big- or little-endian), stopping at the first NUL. */
export function decodeUtf16(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const units: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const unit = view.getUint16(i, littleEndian);
    if (unit === 0) break;
    units.push(unit);
  }
  let text = "";
  for (let i = 0; i < units.length; i += 4096) text += String.fromCharCode(...units.slice(i, i + 4096));
  return text;
}

/** Encodes text as UTF-16 (big- or little-endian), no terminator. */
export function encodeUtf16(text: string, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < text.length; i++) view.setUint16(i * 2, text.charCodeAt(i), littleEndian);
  return bytes;
}
