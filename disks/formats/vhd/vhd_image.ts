/**
 * A VHD image (fixed, dynamic or differencing) as one {@link DiskLayer}.
 *
 * Crash-safe order for a new block: the footer moved to the new end of file and synced,
 * then bitmap + data written and synced, then the BAT entry (synced). The file thus always
 * ends with a valid footer, and the BAT never points at unwritten data. For an existing
 * block: data synced before the bitmap bits that expose it.
 */
import { type ChsGeometry, SECTOR_SIZE } from "../../block_device.ts";
import { DiskError } from "../../errors.ts";
import { biosGeometry } from "../../geometry.ts";
import { type FileOpObserver, HostFile } from "../../host_file.ts";
import type { DiskLayer, ParentReference } from "../../layer.ts";
import { bitIsSet, bitRun, setBits } from "../../bitmap.ts";
import { bitmapBytes, readBat, UNALLOCATED, writeBatEntrySector } from "./bat.ts";
import { type DecodedHeader, decodeHeader, HEADER_SIZE } from "./dynamic_header.ts";
import {
  type DecodedFooter,
  decodeFooter,
  DISK_TYPE_DIFFERENCING,
  DISK_TYPE_DYNAMIC,
  DISK_TYPE_FIXED,
  encodeFooter,
  FOOTER_SIZE,
  uniqueIdHex,
  vhdTimestamp,
} from "./footer.ts";
import { locatorSpaceBytes, readLocatorPaths } from "./locators.ts";

/** Options for {@link openVhd}. */
export interface OpenVhdOptions {
  readonly readOnly: boolean;
  /** Sees every write and sync (tests use it to prove crash-safe ordering). */
  readonly observer?: FileOpObserver;
}

/** Opens a VHD file; throws {@link DiskError} naming the file for anything malformed. */
export function openVhd(path: string, options: OpenVhdOptions): VhdImage {
  const file = HostFile.open(path, options.readOnly, options.observer ?? null);
  try {
    return new VhdImage(file);
  } catch (e) {
    file.close();
    throw e;
  }
}

/** A fixed, dynamic or differencing VHD file as a layer. */
export class VhdImage implements DiskLayer {
  readonly format = "vhd" as const;
  readonly sectorSize = SECTOR_SIZE;
  readonly path: string;
  readonly readOnly: boolean;
  readonly sectorCount: number;
  readonly geometry: ChsGeometry;
  readonly parentRef: ParentReference | null;
  /** The footer in use (the trailing one, or the copy at offset 0 if the trailing one is damaged). */
  readonly footer: DecodedFooter;
  /** The dynamic header, or null for a fixed disk. */
  readonly header: DecodedHeader | null;
  /** Set by the chain: reads the merged view of the layers below this one. */
  backingReader: ((lba: number, count: number, into: Uint8Array) => void) | null = null;

  #file: HostFile;
  #bat: Uint32Array = new Uint32Array(0);
  #sectorsPerBlock = 0;
  #bitmapBytes = 0;
  #bitmaps = new Map<number, Uint8Array>();
  /** Where the next new block goes: just past every block and metadata area. */
  #nextBlockOffset = 0;

  /** Use {@link openVhd}. */
  constructor(file: HostFile) {
    this.#file = file;
    this.path = file.path;
    this.readOnly = file.readOnly;
    const fileSize = file.size();
    if (fileSize < FOOTER_SIZE) throw new DiskError(this.path, `too small to be a VHD (${fileSize} bytes)`);
    this.footer = this.#readFooter(fileSize);
    const type = this.footer.diskType;
    if (type !== DISK_TYPE_FIXED && type !== DISK_TYPE_DYNAMIC && type !== DISK_TYPE_DIFFERENCING) {
      throw new DiskError(this.path, `unsupported VHD disk type ${type}`);
    }
    this.sectorCount = Math.floor(this.footer.currentSize / SECTOR_SIZE);
    this.geometry = biosGeometry(this.sectorCount, this.footer.geometry);
    if (type === DISK_TYPE_FIXED) {
      this.header = null;
      this.parentRef = null;
      if (fileSize < this.sectorCount * SECTOR_SIZE) {
        throw new DiskError(
          this.path,
          `fixed VHD is truncated (${fileSize} bytes for a ${this.footer.currentSize}-byte disk)`,
        );
      }
      return;
    }
    this.header = this.#readHeader(fileSize);
    this.#sectorsPerBlock = this.header.blockSize / SECTOR_SIZE;
    this.#bitmapBytes = bitmapBytes(this.header.blockSize);
    this.#bat = readBat(file, this.header.tableOffset, this.header.maxTableEntries);
    this.#nextBlockOffset = this.#validateBlocks(fileSize);
    this.parentRef = type === DISK_TYPE_DIFFERENCING ? this.#parentReference(this.header) : null;
  }

  /** True for a differencing disk (sectors with clear bitmap bits belong to the parent). */
  get isDifferencing(): boolean {
    return this.footer.diskType === DISK_TYPE_DIFFERENCING;
  }

  /** The file's modification time in VHD seconds: what a child records as "parent time stamp". */
  modificationTimestamp(): number {
    const mtime = this.#file.stat().mtime;
    return mtime ? vhdTimestamp(mtime.getTime()) : 0;
  }

  hostBytes(): number {
    return this.#file.size();
  }

  allocationRun(lba: number, maxCount: number): number {
    if (maxCount <= 0) return 0;
    if (lba >= this.sectorCount) return -maxCount;
    const limit = Math.min(maxCount, this.sectorCount - lba);
    if (this.header === null) return limit;
    const present = this.#isPresent(lba);
    let done = 0;
    while (done < limit) {
      const at = lba + done;
      if (done > 0 && this.#isPresent(at) !== present) break;
      const run = this.#runInBlock(at, limit - done);
      done += run;
      if ((at + run) % this.#sectorsPerBlock !== 0) break;
    }
    return present ? done : -done;
  }

  /**
   * Host mapping for the chain's merged map (see HostMappedLayer): sectors this layer holds
   * are plain data, contiguous on the host within one block (the whole disk when fixed).
   * `lba` onwards must be held by this layer (per {@link allocationRun}).
   */
  hostRun(lba: number, maxCount: number): number {
    if (maxCount <= 0) return 0;
    const limit = Math.min(maxCount, this.sectorCount - lba);
    if (limit <= 0) return -maxCount;
    if (this.header === null) return limit;
    const toEnd = Math.min(limit, this.#sectorsPerBlock - (lba % this.#sectorsPerBlock));
    return this.#bat[Math.floor(lba / this.#sectorsPerBlock)] === UNALLOCATED ? -toEnd : toEnd;
  }

  hostOffset(lba: number): number {
    return this.header === null ? lba * SECTOR_SIZE : this.#dataOffset(lba);
  }

  readHost(offset: number, into: Uint8Array): void {
    this.#file.readAt(offset, into);
  }

  readOwn(lba: number, count: number, into: Uint8Array): void {
    this.#checkRange(lba, count, into);
    if (this.header === null) {
      this.#file.readAt(lba * SECTOR_SIZE, into.subarray(0, count * SECTOR_SIZE));
      return;
    }
    let done = 0;
    while (done < count) {
      const at = lba + done;
      const run = this.allocationRun(at, count - done);
      const n = Math.abs(run);
      const target = into.subarray(done * SECTOR_SIZE, (done + n) * SECTOR_SIZE);
      if (run < 0) target.fill(0);
      else this.#readPresent(at, n, target);
      done += n;
    }
  }

  /** Reads the merged view: own sectors, and for the rest the parent (via backingReader) or zeros. */
  read(lba: number, count: number, into: Uint8Array): void {
    this.#checkRange(lba, count, into);
    let done = 0;
    while (done < count) {
      const at = lba + done;
      const run = this.allocationRun(at, count - done);
      const n = Math.abs(run);
      const target = into.subarray(done * SECTOR_SIZE, (done + n) * SECTOR_SIZE);
      if (run > 0) this.readOwn(at, n, target);
      else if (this.backingReader) this.backingReader(at, n, target);
      else target.fill(0);
      done += n;
    }
  }

  write(lba: number, count: number, from: Uint8Array): void {
    if (this.readOnly) throw new DiskError(this.path, "image is open read-only");
    this.#checkRange(lba, count, from);
    if (this.header === null) {
      this.#file.writeAt(lba * SECTOR_SIZE, from.subarray(0, count * SECTOR_SIZE));
      return;
    }
    let done = 0;
    while (done < count) {
      const at = lba + done;
      const inBlock = at % this.#sectorsPerBlock;
      const n = Math.min(count - done, this.#sectorsPerBlock - inBlock);
      this.#writeInBlock(at, n, from.subarray(done * SECTOR_SIZE, (done + n) * SECTOR_SIZE));
      done += n;
    }
  }

  flush(): void {
    this.#file.sync();
  }

  close(): void {
    this.#file.close();
  }

  // --- opening -------------------------------------------------------------------------

  #readFooter(fileSize: number): DecodedFooter {
    const tail = new Uint8Array(FOOTER_SIZE);
    this.#file.readAt(fileSize - FOOTER_SIZE, tail);
    const trailing = decodeFooter(tail);
    if (trailing && trailing.storedChecksum === trailing.computedChecksum) return trailing;
    // A crash between writing a new block and the new trailing footer leaves only the copy at 0.
    const head = new Uint8Array(FOOTER_SIZE);
    this.#file.readAt(0, head);
    const copy = decodeFooter(head);
    if (copy && copy.storedChecksum === copy.computedChecksum && copy.diskType !== DISK_TYPE_FIXED) {
      return copy;
    }
    if (trailing) {
      throw new DiskError(
        this.path,
        `VHD footer checksum mismatch (stored ${hex(trailing.storedChecksum)}, computed ${
          hex(trailing.computedChecksum)
        })`,
      );
    }
    if (copy) {
      throw new DiskError(this.path, "VHD footer copy at offset 0 has a bad checksum and no trailing footer");
    }
    throw new DiskError(this.path, "not a VHD (no 'conectix' footer)");
  }

  #readHeader(fileSize: number): DecodedHeader {
    const offset = this.footer.dataOffset;
    if (offset === null || offset + HEADER_SIZE > fileSize) {
      throw new DiskError(this.path, `dynamic header offset ${offset} lies outside the file`);
    }
    const bytes = new Uint8Array(HEADER_SIZE);
    this.#file.readAt(offset, bytes);
    const header = decodeHeader(bytes);
    if (!header) throw new DiskError(this.path, `no 'cxsparse' dynamic header at offset ${offset}`);
    if (header.storedChecksum !== header.computedChecksum) {
      throw new DiskError(
        this.path,
        `dynamic header checksum mismatch (stored ${hex(header.storedChecksum)})`,
      );
    }
    const bs = header.blockSize;
    if (bs < SECTOR_SIZE || bs % SECTOR_SIZE !== 0 || bs > 256 * 1024 * 1024) {
      throw new DiskError(this.path, `invalid block size ${bs}`);
    }
    if (header.maxTableEntries * bs < this.sectorCount * SECTOR_SIZE) {
      throw new DiskError(this.path, `BAT has ${header.maxTableEntries} entries, too few for the disk size`);
    }
    if (
      header.tableOffset % SECTOR_SIZE !== 0 || header.tableOffset + header.maxTableEntries * 4 > fileSize
    ) {
      throw new DiskError(
        this.path,
        `BAT at offset ${header.tableOffset} lies outside the file or is misaligned`,
      );
    }
    return header;
  }

  /** Checks every allocated block lies inside the file; returns where the next block goes. */
  #validateBlocks(fileSize: number): number {
    const header = this.header!;
    const blockBytes = this.#bitmapBytes + header.blockSize;
    let end = Math.max(FOOTER_SIZE, (this.footer.dataOffset ?? 0) + HEADER_SIZE);
    end = Math.max(
      end,
      header.tableOffset + Math.ceil((header.maxTableEntries * 4) / SECTOR_SIZE) * SECTOR_SIZE,
    );
    for (const l of header.locators) {
      if (l.platformCode !== 0 && l.dataOffset > 0) {
        end = Math.max(end, l.dataOffset + locatorSpaceBytes(l));
      }
    }
    for (let i = 0; i < this.#bat.length; i++) {
      const entry = this.#bat[i];
      if (entry === UNALLOCATED) continue;
      const start = entry * SECTOR_SIZE;
      if (start + blockBytes > fileSize) {
        throw new DiskError(
          this.path,
          `BAT entry ${i} points past the end of the file (offset ${start}); run disk check`,
        );
      }
      end = Math.max(end, start + blockBytes);
    }
    const tail = new Uint8Array(FOOTER_SIZE);
    this.#file.readAt(fileSize - FOOTER_SIZE, tail);
    const trailing = decodeFooter(tail);
    if (trailing && trailing.storedChecksum === trailing.computedChecksum) {
      end = Math.max(end, fileSize - FOOTER_SIZE);
    }
    return Math.ceil(end / SECTOR_SIZE) * SECTOR_SIZE;
  }

  #parentReference(header: DecodedHeader): ParentReference {
    const paths = readLocatorPaths(this.#file, header.locators).map((l) => l.path);
    return {
      paths,
      format: "vhd",
      verify: (parent) => {
        if (!(parent instanceof VhdImage)) {
          return `the parent of a VHD differencing disk must be a VHD, found ${parent.format} (${parent.path})`;
        }
        if (uniqueIdHex(parent.footer.uniqueId) !== uniqueIdHex(header.parentUniqueId)) {
          return `parent ${parent.path} is not the disk this child was made from (unique id ${
            uniqueIdHex(parent.footer.uniqueId)
          }, child expects ${uniqueIdHex(header.parentUniqueId)})`;
        }
        const stamp = parent.modificationTimestamp();
        if (stamp !== header.parentTimestamp) {
          return `parent ${parent.path} was modified after this child was made (parent time stamp ${stamp}, child recorded ${header.parentTimestamp})`;
        }
        return null;
      },
    };
  }

  // --- block access --------------------------------------------------------------------

  #isPresent(lba: number): boolean {
    const block = Math.floor(lba / this.#sectorsPerBlock);
    if (this.#bat[block] === UNALLOCATED) return false;
    if (!this.isDifferencing) return true;
    return bitIsSet(this.#bitmap(block), lba % this.#sectorsPerBlock);
  }

  /** Run of equal status starting at `lba`, not crossing the block end. */
  #runInBlock(lba: number, limit: number): number {
    const block = Math.floor(lba / this.#sectorsPerBlock);
    const inBlock = lba % this.#sectorsPerBlock;
    const toEnd = Math.min(limit, this.#sectorsPerBlock - inBlock);
    if (this.#bat[block] === UNALLOCATED || !this.isDifferencing) return toEnd;
    return bitRun(this.#bitmap(block), inBlock, toEnd);
  }

  #bitmap(block: number): Uint8Array {
    let bitmap = this.#bitmaps.get(block);
    if (!bitmap) {
      bitmap = new Uint8Array(this.#bitmapBytes);
      this.#file.readAt(this.#bat[block] * SECTOR_SIZE, bitmap);
      this.#bitmaps.set(block, bitmap);
    }
    return bitmap;
  }

  /** Host offset of sector `lba`'s data in an allocated block. */
  #dataOffset(lba: number): number {
    const block = Math.floor(lba / this.#sectorsPerBlock);
    return this.#bat[block] * SECTOR_SIZE + this.#bitmapBytes + (lba % this.#sectorsPerBlock) * SECTOR_SIZE;
  }

  /** Reads sectors that are present; they may span blocks, which are not contiguous on the host. */
  #readPresent(lba: number, count: number, into: Uint8Array): void {
    let done = 0;
    while (done < count) {
      const at = lba + done;
      const n = Math.min(count - done, this.#sectorsPerBlock - (at % this.#sectorsPerBlock));
      this.#file.readAt(this.#dataOffset(at), into.subarray(done * SECTOR_SIZE, (done + n) * SECTOR_SIZE));
      done += n;
    }
  }

  #writeInBlock(lba: number, count: number, data: Uint8Array): void {
    const block = Math.floor(lba / this.#sectorsPerBlock);
    const inBlock = lba % this.#sectorsPerBlock;
    if (this.#bat[block] === UNALLOCATED) {
      this.#allocateBlock(block, inBlock, count, data);
      return;
    }
    this.#file.writeAt(this.#dataOffset(lba), data);
    const bitmap = this.#bitmap(block);
    const updated = bitmap.slice();
    if (setBits(updated, inBlock, count)) {
      // The data must be durable before a bit says it is there.
      this.#file.sync();
      this.#file.writeAt(this.#bat[block] * SECTOR_SIZE, updated);
      this.#bitmaps.set(block, updated);
    }
  }

  #allocateBlock(block: number, inBlock: number, count: number, data: Uint8Array): void {
    const header = this.header!;
    const offset = this.#nextBlockOffset;
    const image = new Uint8Array(this.#bitmapBytes + header.blockSize);
    const bitmap = image.subarray(0, this.#bitmapBytes);
    // A dynamic disk's new block is wholly defined (zeros); a differencing one owns only what was written.
    if (this.isDifferencing) setBits(bitmap, inBlock, count);
    else setBits(bitmap, 0, this.#sectorsPerBlock);
    image.set(data.subarray(0, count * SECTOR_SIZE), this.#bitmapBytes + inBlock * SECTOR_SIZE);
    // The footer moves to the new end of file FIRST, so the file ends with a valid footer at every
    // instant: a crash anywhere in this sequence leaves at most unreferenced space (a leak), never a
    // VHD without its trailing footer. Its content is unchanged; only its place moves.
    const end = offset + image.length;
    this.#file.writeAt(end, encodeFooter(this.footer));
    if (this.#file.size() > end + FOOTER_SIZE) this.#file.truncate(end + FOOTER_SIZE);
    this.#file.sync();
    // Block data and bitmap (over the old footer) are durable before the BAT entry exposes them.
    this.#file.writeAt(offset, image);
    this.#file.sync();
    this.#bat[block] = offset / SECTOR_SIZE;
    writeBatEntrySector(this.#file, header.tableOffset, this.#bat, block);
    this.#file.sync();
    this.#bitmaps.set(block, bitmap.slice());
    this.#nextBlockOffset = end;
  }

  #checkRange(lba: number, count: number, buffer: Uint8Array): void {
    if (
      !Number.isInteger(lba) || !Number.isInteger(count) || lba < 0 || count < 0 ||
      lba + count > this.sectorCount
    ) {
      throw new DiskError(
        this.path,
        `sector range ${lba}+${count} is outside the disk (${this.sectorCount} sectors)`,
      );
    }
    if (buffer.length < count * SECTOR_SIZE) {
      throw new DiskError(this.path, `buffer of ${buffer.length} bytes is too small for ${count} sectors`);
    }
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
