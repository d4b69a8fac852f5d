/**
 * An in-memory top layer: writes land in a sparse map of RAM chunks and never reach a
 * file, so an image can be booted and used without ever being modified. Everything
 * written is lost on close.
 */
import { type ChsGeometry, SECTOR_SIZE } from "./block_device.ts";
import { DiskError } from "./errors.ts";
import type { DiskLayer } from "./layer.ts";
import { bitIsSet, bitRun, setBits } from "./bitmap.ts";

/** Sectors per chunk of the sparse map (32 KiB chunks). */
const CHUNK_SECTORS = 64;

interface Chunk {
  readonly data: Uint8Array;
  /** One bit per sector, MSB first: set = written here. */
  readonly present: Uint8Array;
}

/** A volatile RAM layer for the top of a chain (format reported as "raw", path "(memory overlay)"). */
export class MemoryOverlay implements DiskLayer {
  readonly format = "raw" as const;
  readonly sectorSize = SECTOR_SIZE;
  readonly readOnly = false;
  readonly parentRef = null;
  readonly path: string;
  readonly sectorCount: number;
  readonly geometry: ChsGeometry;
  backingReader: ((lba: number, count: number, into: Uint8Array) => void) | null = null;
  #chunks = new Map<number, Chunk>();

  /** An empty overlay for a disk of `sectorCount` sectors; `path` names it in messages. */
  constructor(sectorCount: number, geometry: ChsGeometry, path = "(memory overlay)") {
    this.sectorCount = sectorCount;
    this.geometry = geometry;
    this.path = path;
  }

  /** RAM held by written sectors. */
  hostBytes(): number {
    return this.#chunks.size * CHUNK_SECTORS * SECTOR_SIZE;
  }

  allocationRun(lba: number, maxCount: number): number {
    if (maxCount <= 0) return 0;
    if (lba >= this.sectorCount) return -maxCount;
    const limit = Math.min(maxCount, this.sectorCount - lba);
    const present = this.#isPresent(lba);
    let done = 0;
    while (done < limit) {
      const at = lba + done;
      if (done > 0 && this.#isPresent(at) !== present) break;
      const inChunk = at % CHUNK_SECTORS;
      const toEnd = Math.min(limit - done, CHUNK_SECTORS - inChunk);
      const chunk = this.#chunks.get(Math.floor(at / CHUNK_SECTORS));
      const run = chunk ? bitRun(chunk.present, inChunk, toEnd) : toEnd;
      done += run;
      if (run < toEnd) break;
    }
    return present ? done : -done;
  }

  readOwn(lba: number, count: number, into: Uint8Array): void {
    this.#checkRange(lba, count, into);
    for (let i = 0; i < count; i++) {
      const at = lba + i;
      const chunk = this.#chunks.get(Math.floor(at / CHUNK_SECTORS));
      const target = into.subarray(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE);
      const inChunk = at % CHUNK_SECTORS;
      if (chunk && bitIsSet(chunk.present, inChunk)) {
        target.set(chunk.data.subarray(inChunk * SECTOR_SIZE, (inChunk + 1) * SECTOR_SIZE));
      } else {
        target.fill(0);
      }
    }
  }

  /** Own sectors, the rest through backingReader (or zeros). */
  read(lba: number, count: number, into: Uint8Array): void {
    this.#checkRange(lba, count, into);
    let done = 0;
    while (done < count) {
      const run = this.allocationRun(lba + done, count - done);
      const n = Math.abs(run);
      const target = into.subarray(done * SECTOR_SIZE, (done + n) * SECTOR_SIZE);
      if (run > 0) this.readOwn(lba + done, n, target);
      else if (this.backingReader) this.backingReader(lba + done, n, target);
      else target.fill(0);
      done += n;
    }
  }

  write(lba: number, count: number, from: Uint8Array): void {
    this.#checkRange(lba, count, from);
    for (let i = 0; i < count; i++) {
      const at = lba + i;
      const key = Math.floor(at / CHUNK_SECTORS);
      let chunk = this.#chunks.get(key);
      if (!chunk) {
        chunk = {
          data: new Uint8Array(CHUNK_SECTORS * SECTOR_SIZE),
          present: new Uint8Array(CHUNK_SECTORS / 8),
        };
        this.#chunks.set(key, chunk);
      }
      const inChunk = at % CHUNK_SECTORS;
      chunk.data.set(from.subarray(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE), inChunk * SECTOR_SIZE);
      setBits(chunk.present, inChunk, 1);
    }
  }

  /** Nothing to make durable: the overlay is deliberately volatile. */
  flush(): void {}

  close(): void {
    this.#chunks.clear();
  }

  #isPresent(lba: number): boolean {
    const chunk = this.#chunks.get(Math.floor(lba / CHUNK_SECTORS));
    return chunk !== undefined && bitIsSet(chunk.present, lba % CHUNK_SECTORS);
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
