/**
 * The one interface through which the machine uses a disk, whatever its format
 * or chain depth. Synchronous on purpose: BIOS disk services run inside an
 * instruction, and crash-safe metadata ordering is simpler to prove without
 * interleaving.
 */

export const SECTOR_SIZE = 512;

/** Cylinders × heads × sectors per track, as INT 13h reports it. */
export interface ChsGeometry {
  readonly cylinders: number;
  readonly heads: number;
  readonly sectorsPerTrack: number;
}

export interface BlockDevice {
  /** Always 512 for tty86's formats. */
  readonly sectorSize: number;
  readonly sectorCount: number;
  readonly geometry: ChsGeometry;
  readonly readOnly: boolean;
  /** Reads `count` sectors starting at `lba` into `into` (at least count*512 bytes). */
  read(lba: number, count: number, into: Uint8Array): void;
  /** Writes `count` sectors from `from`. Throws on a read-only device. */
  write(lba: number, count: number, from: Uint8Array): void;
  /** Makes completed writes durable. */
  flush(): void;
  close(): void;
}
