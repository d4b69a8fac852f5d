/**
 * A raw image (`.img`, `.ima`, anything unrecognised): the file is the disk, sector for
 * sector. Every sector is "present"; a raw image never has a parent.
 */
import { type ChsGeometry, SECTOR_SIZE } from "../block_device.ts";
import { type AtomicCreateOptions, createAtomically } from "../atomic_create.ts";
import { DiskError } from "../errors.ts";
import { geometryForSize } from "../geometry.ts";
import { type FileOpObserver, HostFile } from "../host_file.ts";
import type { DiskLayer } from "../layer.ts";

export interface OpenRawOptions {
  readonly readOnly: boolean;
  /** Overrides the geometry derived from the size. */
  readonly geometry?: ChsGeometry;
  readonly observer?: FileOpObserver;
}

/** Opens a raw image. A trailing partial sector is ignored (it cannot be addressed). */
export function openRaw(path: string, options: OpenRawOptions): RawImage {
  return new RawImage(HostFile.open(path, options.readOnly, options.observer ?? null), options.geometry);
}

/** A raw image file as a layer: every sector present, no parent. */
export class RawImage implements DiskLayer {
  readonly format = "raw" as const;
  readonly sectorSize = SECTOR_SIZE;
  readonly parentRef = null;
  readonly path: string;
  readonly readOnly: boolean;
  readonly sectorCount: number;
  readonly geometry: ChsGeometry;
  /** Unused: a raw image holds every sector itself. */
  backingReader: ((lba: number, count: number, into: Uint8Array) => void) | null = null;
  #file: HostFile;

  /** Use {@link openRaw}. */
  constructor(file: HostFile, geometry?: ChsGeometry) {
    this.#file = file;
    this.path = file.path;
    this.readOnly = file.readOnly;
    const size = file.size();
    this.sectorCount = Math.floor(size / SECTOR_SIZE);
    if (this.sectorCount === 0) {
      file.close();
      throw new DiskError(this.path, `image is smaller than one sector (${size} bytes)`);
    }
    this.geometry = geometry ?? geometryForSize(this.sectorCount * SECTOR_SIZE);
  }

  hostBytes(): number {
    return this.#file.size();
  }

  allocationRun(lba: number, maxCount: number): number {
    if (maxCount <= 0) return 0;
    if (lba >= this.sectorCount) return -maxCount;
    return Math.min(maxCount, this.sectorCount - lba);
  }

  readOwn(lba: number, count: number, into: Uint8Array): void {
    this.#checkRange(lba, count, into);
    this.#file.readAt(lba * SECTOR_SIZE, into.subarray(0, count * SECTOR_SIZE));
  }

  read(lba: number, count: number, into: Uint8Array): void {
    this.readOwn(lba, count, into);
  }

  write(lba: number, count: number, from: Uint8Array): void {
    if (this.readOnly) throw new DiskError(this.path, "image is open read-only");
    this.#checkRange(lba, count, from);
    this.#file.writeAt(lba * SECTOR_SIZE, from.subarray(0, count * SECTOR_SIZE));
  }

  flush(): void {
    this.#file.sync();
  }

  close(): void {
    this.#file.close();
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

/** Creates a zero-filled (sparse) raw image of `sizeBytes` (rounded up to whole sectors). */
export function createRaw(path: string, sizeBytes: number, options: AtomicCreateOptions = {}): void {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
    throw new DiskError(path, `invalid disk size ${sizeBytes}`);
  }
  const size = Math.ceil(sizeBytes / SECTOR_SIZE) * SECTOR_SIZE;
  createAtomically(path, (file) => file.truncate(size), options);
}
