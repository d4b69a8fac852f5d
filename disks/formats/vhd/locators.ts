/**
 * Parent locators of a differencing VHD: `W2ru` (path relative to the child) and
 * `W2ku` (absolute path), both UTF-16 little-endian. Windows writes `\` separators;
 * tty86 writes `/` in absolute paths it makes on POSIX hosts and accepts either.
 */
import { SECTOR_SIZE } from "../../block_device.ts";
import type { HostFile } from "../../host_file.ts";
import { decodeUtf16, encodeUtf16, type LocatorEntry } from "./dynamic_header.ts";

export const PLATFORM_W2RU = 0x57327275;
export const PLATFORM_W2KU = 0x57326B75;
/** Refuse absurd locator lengths from hostile files instead of allocating them. */
const MAX_LOCATOR_BYTES = 64 * 1024;

/** A decoded parent path from one locator. */
export interface LocatorPath {
  readonly platformCode: number;
  readonly path: string;
}

/** Reads the W2ru and W2ku paths, relative first, skipping other platforms and empty entries. */
export function readLocatorPaths(file: HostFile, entries: readonly LocatorEntry[]): LocatorPath[] {
  const found: LocatorPath[] = [];
  for (const code of [PLATFORM_W2RU, PLATFORM_W2KU]) {
    for (const entry of entries) {
      if (entry.platformCode !== code || entry.dataLength === 0) continue;
      if (entry.dataLength > MAX_LOCATOR_BYTES) continue;
      const bytes = new Uint8Array(entry.dataLength);
      file.readAt(entry.dataOffset, bytes);
      const path = toHostPath(decodeUtf16(bytes, true));
      if (path.length > 0) found.push({ platformCode: code, path });
    }
  }
  return found;
}

/** Converts a stored path to host form: `\` separators become `/`, a leading `.\` is dropped. */
export function toHostPath(stored: string): string {
  const slashed = stored.replaceAll("\\", "/");
  return slashed.startsWith("./") ? slashed.slice(2) : slashed;
}

/** The stored form of a relative path, as Windows writes it (`.\dir\name`). */
export function relativeLocatorText(relative: string): string {
  const back = relative.replaceAll("/", "\\");
  return back.startsWith("..") ? back : `.\\${back}`;
}

/** Locator payload bytes and the sectors reserved for it. */
export function locatorPayload(text: string): { bytes: Uint8Array; sectors: number } {
  const bytes = encodeUtf16(text, true);
  return { bytes, sectors: Math.max(1, Math.ceil(bytes.length / SECTOR_SIZE)) };
}

/**
 * Bytes reserved for a locator's data. The specification counts `dataSpace` in sectors,
 * but some writers store bytes; a value at least as large as the data and sector-aligned
 * is read as bytes.
 */
export function locatorSpaceBytes(entry: LocatorEntry): number {
  if (entry.dataSpace >= entry.dataLength && entry.dataSpace % SECTOR_SIZE === 0 && entry.dataSpace > 0) {
    return entry.dataSpace;
  }
  return Math.max(entry.dataLength, entry.dataSpace * SECTOR_SIZE);
}
