/**
 * The 512-byte VHD hard disk footer (all fields big-endian), its one's-complement
 * checksum, and the VHD epoch (2000-01-01 00:00 UTC).
 */
import type { ChsGeometry } from "../../block_device.ts";

export const FOOTER_SIZE = 512;
export const FOOTER_COOKIE = "conectix";
export const DISK_TYPE_FIXED = 2;
export const DISK_TYPE_DYNAMIC = 3;
export const DISK_TYPE_DIFFERENCING = 4;
/** Bit 1 of "features" is reserved and must always be set. */
const FEATURES_RESERVED = 0x2;
const FORMAT_VERSION = 0x00010000;
/** Seconds from the Unix epoch to 2000-01-01 00:00:00 UTC. */
const VHD_EPOCH_UNIX_SECONDS = 946684800;
const CHECKSUM_OFFSET = 64;

export interface VhdFooter {
  readonly features: number;
  readonly formatVersion: number;
  /** Offset of the dynamic header, or null for a fixed disk (stored as all ones). */
  readonly dataOffset: number | null;
  /** Creation time, seconds since 2000-01-01 UTC. */
  readonly timestamp: number;
  readonly creatorApp: string;
  readonly creatorVersion: number;
  readonly creatorHostOs: number;
  readonly originalSize: number;
  readonly currentSize: number;
  readonly geometry: ChsGeometry;
  readonly diskType: number;
  readonly uniqueId: Uint8Array;
  readonly savedState: number;
}

/** A footer as decoded from bytes, with its stored and recomputed checksums. */
export interface DecodedFooter extends VhdFooter {
  readonly storedChecksum: number;
  readonly computedChecksum: number;
}

/** One's complement of the byte sum of `bytes`, skipping the 4-byte checksum field at `checksumAt`. */
export function onesComplementChecksum(bytes: Uint8Array, checksumAt: number): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (i >= checksumAt && i < checksumAt + 4) continue;
    sum += bytes[i];
  }
  return (~sum) >>> 0;
}

/** Seconds since the VHD epoch for a JS time in milliseconds. */
export function vhdTimestamp(unixMillis: number): number {
  return Math.max(0, Math.floor(unixMillis / 1000) - VHD_EPOCH_UNIX_SECONDS) >>> 0;
}

/** A JS Date for a VHD timestamp. */
export function dateFromVhdTimestamp(seconds: number): Date {
  return new Date((seconds + VHD_EPOCH_UNIX_SECONDS) * 1000);
}

/** A fresh random 16-byte unique id. */
export function newUniqueId(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(16));
}

/** Hex form of a unique id, for messages. */
export function uniqueIdHex(id: Uint8Array): string {
  return Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("");
}

function readAscii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** Decodes a footer; null when the cookie is not `conectix`. */
export function decodeFooter(bytes: Uint8Array): DecodedFooter | null {
  if (bytes.length < FOOTER_SIZE || readAscii(bytes, 0, 8) !== FOOTER_COOKIE) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, FOOTER_SIZE);
  const rawOffset = view.getBigUint64(16);
  return {
    features: view.getUint32(8),
    formatVersion: view.getUint32(12),
    dataOffset: rawOffset === 0xFFFFFFFFFFFFFFFFn ? null : Number(rawOffset),
    timestamp: view.getUint32(24),
    creatorApp: readAscii(bytes, 28, 4),
    creatorVersion: view.getUint32(32),
    creatorHostOs: view.getUint32(36),
    originalSize: Number(view.getBigUint64(40)),
    currentSize: Number(view.getBigUint64(48)),
    geometry: { cylinders: view.getUint16(56), heads: view.getUint8(58), sectorsPerTrack: view.getUint8(59) },
    diskType: view.getUint32(60),
    storedChecksum: view.getUint32(CHECKSUM_OFFSET),
    computedChecksum: onesComplementChecksum(bytes.subarray(0, FOOTER_SIZE), CHECKSUM_OFFSET),
    uniqueId: bytes.slice(68, 84),
    savedState: bytes[84],
  };
}

/** Encodes a footer with a freshly computed checksum. */
export function encodeFooter(f: VhdFooter): Uint8Array {
  const bytes = new Uint8Array(FOOTER_SIZE);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(FOOTER_COOKIE), 0);
  view.setUint32(8, f.features);
  view.setUint32(12, f.formatVersion);
  view.setBigUint64(16, f.dataOffset === null ? 0xFFFFFFFFFFFFFFFFn : BigInt(f.dataOffset));
  view.setUint32(24, f.timestamp);
  bytes.set(new TextEncoder().encode(f.creatorApp.padEnd(4, " ").slice(0, 4)), 28);
  view.setUint32(32, f.creatorVersion);
  view.setUint32(36, f.creatorHostOs);
  view.setBigUint64(40, BigInt(f.originalSize));
  view.setBigUint64(48, BigInt(f.currentSize));
  view.setUint16(56, f.geometry.cylinders);
  view.setUint8(58, f.geometry.heads);
  view.setUint8(59, f.geometry.sectorsPerTrack);
  view.setUint32(60, f.diskType);
  bytes.set(f.uniqueId.subarray(0, 16), 68);
  bytes[84] = f.savedState;
  view.setUint32(CHECKSUM_OFFSET, onesComplementChecksum(bytes, CHECKSUM_OFFSET));
  return bytes;
}

/** A new footer as tty86 writes it (creator "tty8", host "Wi2k" as the specification defines). */
export function newFooter(
  opts: { diskType: number; size: number; geometry: ChsGeometry; dataOffset: number | null },
): VhdFooter {
  return {
    features: FEATURES_RESERVED,
    formatVersion: FORMAT_VERSION,
    dataOffset: opts.dataOffset,
    timestamp: vhdTimestamp(Date.now()),
    creatorApp: "tty8",
    creatorVersion: 0x00010000,
    creatorHostOs: 0x5769326B,
    originalSize: opts.size,
    currentSize: opts.size,
    geometry: opts.geometry,
    diskType: opts.diskType,
    uniqueId: newUniqueId(),
    savedState: 0,
  };
}
