/**
 * `tty86 disk compare`: content equality of two chains. As with `qemu-img compare`, a
 * size difference alone is no difference if the larger disk's extra sectors are zeros.
 */
import { SECTOR_SIZE } from "../block_device.ts";
import { openChain } from "../chain.ts";
import { noProgress, type ProgressSink } from "./progress.ts";
import { readOrZero } from "./rebase.ts";

export interface CompareOptions {
  readonly allowParentDirs?: readonly string[];
  readonly progress?: ProgressSink;
}

/** The outcome (also the `--json` shape). */
export interface CompareResult {
  readonly identical: boolean;
  /** First sector whose content differs, or null when identical. */
  readonly firstDifferentSector: number | null;
  readonly sizeA: number;
  readonly sizeB: number;
}

const CHUNK_SECTORS = 2048;

/** Compares the disks at `pathA` and `pathB` sector by sector. */
export function compareDisks(pathA: string, pathB: string, options: CompareOptions = {}): CompareResult {
  const allowParentDirs = options.allowParentDirs ?? [];
  const progress = options.progress ?? noProgress;
  const a = openChain(pathA, { readOnly: true, allowParentDirs });
  try {
    const b = openChain(pathB, { readOnly: true, allowParentDirs });
    try {
      const total = Math.max(a.sectorCount, b.sectorCount);
      const bufA = new Uint8Array(CHUNK_SECTORS * SECTOR_SIZE);
      const bufB = new Uint8Array(CHUNK_SECTORS * SECTOR_SIZE);
      const result = (first: number | null): CompareResult => ({
        identical: first === null,
        firstDifferentSector: first,
        sizeA: a.sectorCount * SECTOR_SIZE,
        sizeB: b.sectorCount * SECTOR_SIZE,
      });
      for (let lba = 0; lba < total; lba += CHUNK_SECTORS) {
        const n = Math.min(CHUNK_SECTORS, total - lba);
        readOrZero(a, lba, n, bufA);
        readOrZero(b, lba, n, bufB);
        const at = firstDifference(bufA, bufB, n * SECTOR_SIZE);
        if (at >= 0) return result(lba + Math.floor(at / SECTOR_SIZE));
        progress(lba + n, total);
      }
      return result(null);
    } finally {
      b.close();
    }
  } finally {
    a.close();
  }
}

/** Byte index of the first difference in the first `length` bytes, or -1 (compared 4 bytes at a time). */
function firstDifference(a: Uint8Array, b: Uint8Array, length: number): number {
  const words = length >>> 2;
  const wa = new Uint32Array(a.buffer, a.byteOffset, words);
  const wb = new Uint32Array(b.buffer, b.byteOffset, words);
  for (let i = 0; i < words; i++) {
    if (wa[i] !== wb[i]) {
      for (let j = i * 4; j < i * 4 + 4; j++) if (a[j] !== b[j]) return j;
    }
  }
  for (let j = words * 4; j < length; j++) if (a[j] !== b[j]) return j;
  return -1;
}
