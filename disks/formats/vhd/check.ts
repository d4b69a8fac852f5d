/**
 * Consistency check (and safe repair) of a VHD file: footer and header checksums, the
 * footer copy, BAT entries against the file and each other, bitmaps, and leaked space.
 * Repair only rewrites footers and truncates space past the last block, and only when
 * the structure is sound enough to prove that space unused.
 */
import { SECTOR_SIZE } from "../../block_device.ts";
import { DiskError } from "../../errors.ts";
import { HostFile } from "../../host_file.ts";
import { bitIsSet } from "../../bitmap.ts";
import { bitmapBytes, UNALLOCATED } from "./bat.ts";
import { type DecodedHeader, decodeHeader, HEADER_SIZE } from "./dynamic_header.ts";
import {
  type DecodedFooter,
  decodeFooter,
  DISK_TYPE_DIFFERENCING,
  DISK_TYPE_FIXED,
  FOOTER_SIZE,
} from "./footer.ts";
import { locatorSpaceBytes } from "./locators.ts";

export interface CheckOptions {
  /** Fix what is safe to fix (footers, leaked space after the last block). */
  readonly repair?: boolean;
}

export interface CheckResult {
  /** Problems that make the image wrong or unsafe to use (after any repair). */
  readonly errors: string[];
  /** Oddities that do not endanger data (after any repair). */
  readonly warnings: string[];
  /** Bytes of the file that no metadata refers to. */
  readonly leakedBytes: number;
  /** What repair changed (empty without `repair`). */
  readonly repaired: string[];
}

interface Region {
  readonly start: number;
  readonly end: number;
  readonly what: string;
}

/** Findings of one read-only pass, with what a repair may do. */
interface Findings {
  errors: string[];
  warnings: string[];
  leakedBytes: number;
  /** Footer bytes to write at offset 0 (copy missing, damaged or different). */
  rewriteCopy: Uint8Array | null;
  /** Where the trailing footer belongs, when it must be rewritten or leaked space cut. */
  truncateTo: { footerAt: number; footer: Uint8Array } | null;
}

/** Checks the VHD at `path`; with `repair`, fixes what is provably safe and re-checks. */
export function checkVhd(path: string, options: CheckOptions = {}): CheckResult {
  const first = inspect(path);
  const repaired: string[] = [];
  if (!options.repair || (!first.rewriteCopy && !first.truncateTo)) {
    return { errors: first.errors, warnings: first.warnings, leakedBytes: first.leakedBytes, repaired };
  }
  const file = HostFile.open(path, false);
  try {
    if (first.truncateTo) {
      const { footerAt, footer } = first.truncateTo;
      file.writeAt(footerAt, footer);
      file.sync();
      if (file.size() > footerAt + FOOTER_SIZE) {
        repaired.push(`cut ${file.size() - footerAt - FOOTER_SIZE} leaked bytes after the last block`);
        file.truncate(footerAt + FOOTER_SIZE);
      }
      repaired.push(`wrote the trailing footer at offset ${footerAt}`);
      file.sync();
    }
    if (first.rewriteCopy) {
      file.writeAt(0, first.rewriteCopy);
      file.sync();
      repaired.push("rewrote the footer copy at offset 0");
    }
  } finally {
    file.close();
  }
  const after = inspect(path);
  return { errors: after.errors, warnings: after.warnings, leakedBytes: after.leakedBytes, repaired };
}

function inspect(path: string): Findings {
  const found: Findings = { errors: [], warnings: [], leakedBytes: 0, rewriteCopy: null, truncateTo: null };
  const file = HostFile.open(path, true);
  try {
    inspectOpen(file, found);
  } catch (e) {
    if (!(e instanceof DiskError)) throw e;
    found.errors.push(e.message);
    found.rewriteCopy = null;
    found.truncateTo = null;
  } finally {
    file.close();
  }
  return found;
}

function validFooter(f: DecodedFooter | null): boolean {
  return f !== null && f.storedChecksum === f.computedChecksum;
}

function inspectOpen(file: HostFile, found: Findings): void {
  const fileSize = file.size();
  if (fileSize < FOOTER_SIZE) {
    found.errors.push(`file is too small to be a VHD (${fileSize} bytes)`);
    return;
  }
  const tailBytes = new Uint8Array(FOOTER_SIZE);
  file.readAt(fileSize - FOOTER_SIZE, tailBytes);
  const headBytes = new Uint8Array(FOOTER_SIZE);
  file.readAt(0, headBytes);
  const tail = decodeFooter(tailBytes);
  const head = decodeFooter(headBytes);
  if (tail && !validFooter(tail)) {
    found.errors.push(
      `footer checksum mismatch (stored 0x${tail.storedChecksum.toString(16)}, computed 0x${
        tail.computedChecksum.toString(16)
      })`,
    );
  }
  if (!tail) found.errors.push("no footer ('conectix') at the end of the file");
  const footer = validFooter(tail)
    ? tail
    : validFooter(head) && head?.diskType !== DISK_TYPE_FIXED
    ? head
    : null;
  if (!footer) {
    if (!tail && !head) found.errors.push("not a VHD: no footer at the end and no copy at offset 0");
    return;
  }
  if (footer.diskType === DISK_TYPE_FIXED) {
    checkFixed(fileSize, footer, found);
    return;
  }
  const footerBytes = validFooter(tail) ? tailBytes : headBytes;
  if (!head) {
    found.errors.push("footer copy at offset 0 is missing");
    found.rewriteCopy = footerBytes;
  } else if (!validFooter(head)) {
    found.errors.push("footer copy at offset 0 has a bad checksum");
    found.rewriteCopy = footerBytes;
  } else if (validFooter(tail) && !sameBytes(headBytes, tailBytes)) {
    found.errors.push("footer copy at offset 0 differs from the trailing footer");
    found.rewriteCopy = footerBytes;
  }
  checkDynamic(file, fileSize, footer, footerBytes, validFooter(tail), found);
}

function checkFixed(fileSize: number, footer: DecodedFooter, found: Findings): void {
  const expected = footer.currentSize + FOOTER_SIZE;
  if (fileSize < expected) {
    found.errors.push(`fixed VHD is truncated: ${fileSize} bytes, expected ${expected}`);
  }
  if (fileSize > expected) {
    found.warnings.push(`fixed VHD has ${fileSize - expected} bytes more data than its size`);
  }
  if (footer.currentSize % SECTOR_SIZE !== 0) {
    found.warnings.push("disk size is not a whole number of sectors");
  }
}

function checkDynamic(
  file: HostFile,
  fileSize: number,
  footer: DecodedFooter,
  footerBytes: Uint8Array,
  tailValid: boolean,
  found: Findings,
): void {
  const headerAt = footer.dataOffset;
  if (headerAt === null || headerAt % SECTOR_SIZE !== 0 || headerAt + HEADER_SIZE > fileSize) {
    found.errors.push(`dynamic header offset ${headerAt} is misaligned or outside the file`);
    found.truncateTo = null;
    return;
  }
  const headerBytes = new Uint8Array(HEADER_SIZE);
  file.readAt(headerAt, headerBytes);
  const header = decodeHeader(headerBytes);
  if (!header) {
    found.errors.push(`no dynamic header ('cxsparse') at offset ${headerAt}`);
    return;
  }
  if (header.storedChecksum !== header.computedChecksum) {
    found.errors.push(`dynamic header checksum mismatch (stored 0x${header.storedChecksum.toString(16)})`);
    return;
  }
  const structuralErrors = found.errors.length;
  const regions: Region[] = [
    { start: 0, end: FOOTER_SIZE, what: "footer copy" },
    { start: headerAt, end: headerAt + HEADER_SIZE, what: "dynamic header" },
  ];
  const sound = checkTables(file, fileSize, footer, header, regions, found);
  regions.sort((a, b) => a.start - b.start || a.end - b.end);
  let end = 0;
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (i > 0 && r.start < regions[i - 1].end) {
      found.errors.push(`${r.what} at offset ${r.start} overlaps ${regions[i - 1].what}`);
    } else if (r.start > end) {
      found.leakedBytes += r.start - end;
    }
    end = Math.max(end, r.end);
  }
  const dataEnd = tailValid ? fileSize - FOOTER_SIZE : fileSize;
  if (dataEnd > end) {
    found.leakedBytes += dataEnd - end;
    found.warnings.push(`${dataEnd - end} bytes after the last block are not used by any block`);
  }
  if (end > dataEnd && tailValid) {
    found.errors.push("the trailing footer lies inside a block or metadata area");
  }
  const provable = sound && found.errors.length === structuralErrors;
  const trailingWrong = !tailValid || dataEnd !== end;
  if (trailingWrong && provable && end <= fileSize) {
    const alignedEnd = Math.ceil(end / SECTOR_SIZE) * SECTOR_SIZE;
    found.truncateTo = { footerAt: alignedEnd, footer: footerBytes };
  }
}

/** Checks the BAT, locators and block bitmaps; pushes their regions; false if the BAT is unusable. */
function checkTables(
  file: HostFile,
  fileSize: number,
  footer: DecodedFooter,
  header: DecodedHeader,
  regions: Region[],
  found: Findings,
): boolean {
  const bs = header.blockSize;
  if (bs < SECTOR_SIZE || bs % SECTOR_SIZE !== 0 || bs > 256 * 1024 * 1024) {
    found.errors.push(`invalid block size ${bs}`);
    return false;
  }
  if (header.maxTableEntries * bs < footer.currentSize) {
    found.errors.push(
      `BAT has ${header.maxTableEntries} entries, too few for a ${footer.currentSize}-byte disk`,
    );
  }
  const batEnd = header.tableOffset + header.maxTableEntries * 4;
  if (header.tableOffset % SECTOR_SIZE !== 0) {
    found.errors.push(`BAT offset ${header.tableOffset} is misaligned`);
  }
  if (batEnd > fileSize) {
    found.errors.push(
      `BAT (offset ${header.tableOffset}, ${header.maxTableEntries} entries) runs past the end of the file`,
    );
    return false;
  }
  regions.push({
    start: header.tableOffset,
    end: Math.ceil(batEnd / SECTOR_SIZE) * SECTOR_SIZE,
    what: "BAT",
  });
  if (footer.diskType === DISK_TYPE_DIFFERENCING) {
    for (const l of header.locators) {
      if (l.platformCode === 0 || l.dataLength === 0) continue;
      if (l.dataOffset % SECTOR_SIZE !== 0) {
        found.warnings.push(`parent locator data at ${l.dataOffset} is misaligned`);
      }
      const lEnd = l.dataOffset + locatorSpaceBytes(l);
      if (l.dataOffset + l.dataLength > fileSize) {
        found.errors.push(`parent locator data at offset ${l.dataOffset} runs past the end of the file`);
      }
      regions.push({ start: l.dataOffset, end: lEnd, what: "parent locator" });
    }
  }
  const raw = new Uint8Array(header.maxTableEntries * 4);
  file.readAt(header.tableOffset, raw);
  const view = new DataView(raw.buffer);
  const bitmapSize = bitmapBytes(bs);
  const sectorsPerBlock = bs / SECTOR_SIZE;
  const totalSectors = Math.floor(footer.currentSize / SECTOR_SIZE);
  let sound = true;
  for (let i = 0; i < header.maxTableEntries; i++) {
    const entry = view.getUint32(i * 4);
    if (entry === UNALLOCATED) continue;
    const start = entry * SECTOR_SIZE;
    const end = start + bitmapSize + bs;
    if (i * sectorsPerBlock >= totalSectors) {
      found.warnings.push(`BAT entry ${i} is allocated but lies beyond the disk size`);
    }
    if (end > fileSize) {
      found.errors.push(`BAT entry ${i} points past the end of the file (block at offset ${start})`);
      sound = false;
      continue;
    }
    regions.push({ start, end, what: `block ${i}` });
    const bitmap = new Uint8Array(bitmapSize);
    file.readAt(start, bitmap);
    checkBitmap(bitmap, i, sectorsPerBlock, found);
  }
  return sound;
}

/** Flags a bitmap that marks nothing (a wasted block) or has bits set in its padding. */
function checkBitmap(bitmap: Uint8Array, block: number, sectorsPerBlock: number, found: Findings): void {
  let any = false;
  let stray = false;
  for (let s = 0; s < bitmap.length * 8; s++) {
    if (!bitIsSet(bitmap, s)) continue;
    if (s < sectorsPerBlock) any = true;
    else stray = true;
  }
  if (!any) found.warnings.push(`block ${block} is allocated but its bitmap marks no sector present`);
  if (stray) {
    found.warnings.push(`block ${block} bitmap has bits set in its padding, beyond the block's sectors`);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
