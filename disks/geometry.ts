/**
 * CHS geometries: the standard PC floppy formats, a BIOS-style default for hard
 * disks, and the geometry algorithm from the VHD specification's appendix.
 */
import { type ChsGeometry, SECTOR_SIZE } from "./block_device.ts";

/** Standard floppy formats, keyed by image size in bytes. */
const FLOPPIES: ReadonlyMap<number, ChsGeometry> = new Map([
  [160 * 1024, { cylinders: 40, heads: 1, sectorsPerTrack: 8 }],
  [180 * 1024, { cylinders: 40, heads: 1, sectorsPerTrack: 9 }],
  [320 * 1024, { cylinders: 40, heads: 2, sectorsPerTrack: 8 }],
  [360 * 1024, { cylinders: 40, heads: 2, sectorsPerTrack: 9 }],
  [720 * 1024, { cylinders: 80, heads: 2, sectorsPerTrack: 9 }],
  [1200 * 1024, { cylinders: 80, heads: 2, sectorsPerTrack: 15 }],
  [1440 * 1024, { cylinders: 80, heads: 2, sectorsPerTrack: 18 }],
  [2880 * 1024, { cylinders: 80, heads: 2, sectorsPerTrack: 36 }],
]);

/** The floppy geometry for an image of exactly `sizeBytes`, or null if it is no standard floppy size. */
export function floppyGeometry(sizeBytes: number): ChsGeometry | null {
  return FLOPPIES.get(sizeBytes) ?? null;
}

/** INT 13h can address at most 1024 cylinders; BIOSes report no more than that. */
export const BIOS_MAX_CYLINDERS = 1024;
const HD_HEADS = 16;
const HD_SECTORS = 63;

/**
 * Hard-disk geometry as a BIOS would translate it: 16 heads × 63 sectors, cylinders
 * = sectors / (16·63), at least 1 and capped at 1024 (sectors beyond stay reachable by LBA).
 */
export function defaultHardDiskGeometry(sectorCount: number): ChsGeometry {
  const cylinders = Math.min(
    BIOS_MAX_CYLINDERS,
    Math.max(1, Math.floor(sectorCount / (HD_HEADS * HD_SECTORS))),
  );
  return { cylinders, heads: HD_HEADS, sectorsPerTrack: HD_SECTORS };
}

/** Geometry for a raw image: a floppy if the size matches one, else the hard-disk default. */
export function geometryForSize(sizeBytes: number): ChsGeometry {
  return floppyGeometry(sizeBytes) ?? defaultHardDiskGeometry(Math.floor(sizeBytes / SECTOR_SIZE));
}

/** Largest geometry a VHD footer can state (65535 × 16 × 255). */
export const VHD_MAX_CHS_SECTORS = 65535 * 16 * 255;

/** The VHD specification's CHS algorithm (appendix "CHS Calculation"). */
export function vhdChsGeometry(totalSectors: number): ChsGeometry {
  const total = Math.min(totalSectors, VHD_MAX_CHS_SECTORS);
  let sectorsPerTrack: number;
  let heads: number;
  let cylinderTimesHeads: number;
  if (total >= 65535 * 16 * 63) {
    sectorsPerTrack = 255;
    heads = 16;
    cylinderTimesHeads = Math.floor(total / sectorsPerTrack);
  } else {
    sectorsPerTrack = 17;
    cylinderTimesHeads = Math.floor(total / sectorsPerTrack);
    heads = Math.max(4, Math.floor((cylinderTimesHeads + 1023) / 1024));
    if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
      sectorsPerTrack = 31;
      heads = 16;
      cylinderTimesHeads = Math.floor(total / sectorsPerTrack);
    }
    if (cylinderTimesHeads >= heads * 1024) {
      sectorsPerTrack = 63;
      heads = 16;
      cylinderTimesHeads = Math.floor(total / sectorsPerTrack);
    }
  }
  return { cylinders: Math.floor(cylinderTimesHeads / heads), heads, sectorsPerTrack };
}

/** Sectors a geometry addresses. */
export function chsSectors(g: ChsGeometry): number {
  return g.cylinders * g.heads * g.sectorsPerTrack;
}

/**
 * The smallest size ≥ `wanted` sectors that a VHD geometry addresses exactly, with that
 * geometry, so readers that size a VHD by its geometry (Virtual PC, QEMU) agree with
 * readers that use the footer's current size. Past the largest geometry, `wanted` itself.
 */
export function vhdChsExactSize(wanted: number): { sectors: number; geometry: ChsGeometry } {
  if (wanted >= VHD_MAX_CHS_SECTORS) return { sectors: wanted, geometry: vhdChsGeometry(wanted) };
  for (let candidate = wanted;; candidate++) {
    const geometry = vhdChsGeometry(candidate);
    const sectors = chsSectors(geometry);
    if (sectors >= wanted) return { sectors, geometry };
  }
}

/**
 * The geometry to report through INT 13h for a disk of `sectorCount` sectors whose
 * metadata states `stated`: floppies get their standard geometry; a stated geometry is
 * kept when a BIOS could report it (≤ 255 heads, ≤ 63 sectors per track), capped at
 * 1024 cylinders; anything else gets the hard-disk default.
 */
export function biosGeometry(sectorCount: number, stated: ChsGeometry | null): ChsGeometry {
  const floppy = floppyGeometry(sectorCount * SECTOR_SIZE);
  if (floppy) return floppy;
  if (
    stated && stated.sectorsPerTrack >= 1 && stated.sectorsPerTrack <= 63 && stated.heads >= 1 &&
    stated.heads <= 255 && stated.cylinders >= 1
  ) {
    return { ...stated, cylinders: Math.min(BIOS_MAX_CYLINDERS, stated.cylinders) };
  }
  return defaultHardDiskGeometry(sectorCount);
}
