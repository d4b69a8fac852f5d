/** A BlockDevice over a byte array, for tests that need a small disk with known contents. */
import type { BlockDevice, ChsGeometry } from "../../disks/block_device.ts";

export class MemoryDisk implements BlockDevice {
  readonly sectorSize = 512;
  readonly sectorCount: number;
  readonly data: Uint8Array;

  constructor(readonly geometry: ChsGeometry, readonly readOnly = false, data?: Uint8Array) {
    this.sectorCount = geometry.cylinders * geometry.heads * geometry.sectorsPerTrack;
    this.data = data ?? new Uint8Array(this.sectorCount * 512);
  }

  read(lba: number, count: number, into: Uint8Array): void {
    if (lba < 0 || lba + count > this.sectorCount) throw new RangeError(`read past end: ${lba}+${count}`);
    into.set(this.data.subarray(lba * 512, (lba + count) * 512));
  }

  write(lba: number, count: number, from: Uint8Array): void {
    if (this.readOnly) throw new Error("read-only disk");
    if (lba < 0 || lba + count > this.sectorCount) throw new RangeError(`write past end: ${lba}+${count}`);
    this.data.set(from.subarray(0, count * 512), lba * 512);
  }

  flush(): void {}

  close(): void {}
}

/** A 1.44 MB diskette whose every sector starts with its LBA (word) and is filled with LBA & FFh. */
export function labelledFloppy(readOnly = false): MemoryDisk {
  const disk = new MemoryDisk({ cylinders: 80, heads: 2, sectorsPerTrack: 18 }, readOnly);
  labelSectors(disk);
  return disk;
}

/** Writes each sector's LBA into its first two bytes and fills the rest with LBA & FFh. */
export function labelSectors(disk: MemoryDisk): void {
  for (let lba = 0; lba < disk.sectorCount; lba++) {
    const s = disk.data.subarray(lba * 512, lba * 512 + 512);
    s.fill(lba & 0xFF);
    s[0] = lba & 0xFF;
    s[1] = lba >>> 8;
  }
}

/** A boot sector that enables interrupts and loops (STI; JMP $), signed 55AAh. */
export function idleBootSector(): Uint8Array {
  const s = new Uint8Array(512);
  s.set([0xFB, 0xEB, 0xFE]);
  s[510] = 0x55;
  s[511] = 0xAA;
  return s;
}
