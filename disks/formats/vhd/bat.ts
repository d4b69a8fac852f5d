/**
 * The block allocation table (BAT) of a dynamic VHD, and the per-block sector bitmaps.
 * BAT entries are big-endian sector offsets of blocks; 0xFFFFFFFF means unallocated.
 * Each block starts with a bitmap (MSB first, one bit per sector) padded to 512 bytes.
 */
import { SECTOR_SIZE } from "../../block_device.ts";
import type { HostFile } from "../../host_file.ts";

export const UNALLOCATED = 0xFFFFFFFF;

/** Bytes the BAT occupies on disk (whole sectors). */
export function batBytes(maxTableEntries: number): number {
  return Math.ceil((maxTableEntries * 4) / SECTOR_SIZE) * SECTOR_SIZE;
}

/** Bytes of a block's sector bitmap, padded to a sector boundary. */
export function bitmapBytes(blockSize: number): number {
  const sectorsPerBlock = blockSize / SECTOR_SIZE;
  return Math.ceil(Math.ceil(sectorsPerBlock / 8) / SECTOR_SIZE) * SECTOR_SIZE;
}

/** Reads the whole BAT into host order. */
export function readBat(file: HostFile, tableOffset: number, maxTableEntries: number): Uint32Array {
  const raw = new Uint8Array(maxTableEntries * 4);
  file.readAt(tableOffset, raw);
  const view = new DataView(raw.buffer);
  const bat = new Uint32Array(maxTableEntries);
  for (let i = 0; i < maxTableEntries; i++) bat[i] = view.getUint32(i * 4);
  return bat;
}

/** A BAT in its on-disk byte form (padded to whole sectors with 0xFF, i.e. unallocated). */
export function encodeBat(bat: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(batBytes(bat.length)).fill(0xFF);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < bat.length; i++) view.setUint32(i * 4, bat[i]);
  return bytes;
}

/**
 * Writes the one BAT sector that holds entry `index` (a sector is the unit a disk
 * writes atomically, so the entry never tears).
 */
export function writeBatEntrySector(
  file: HostFile,
  tableOffset: number,
  bat: Uint32Array,
  index: number,
): void {
  const perSector = SECTOR_SIZE / 4;
  const first = Math.floor(index / perSector) * perSector;
  const sector = new Uint8Array(SECTOR_SIZE).fill(0xFF);
  const view = new DataView(sector.buffer);
  for (let i = first; i < Math.min(bat.length, first + perSector); i++) {
    view.setUint32((i - first) * 4, bat[i]);
  }
  file.writeAt(tableOffset + first * 4, sector);
}
