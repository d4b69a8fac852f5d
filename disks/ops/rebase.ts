/**
 * `tty86 disk rebase`: gives a child a new parent. Safe mode first copies into the child
 * every sector it does not hold itself where the old chain and the new parent differ (so
 * the disk's content stays the same), flushes, and only then rewrites the parent pointer;
 * a crash before the pointer rewrite leaves a valid child of the old parent. Unsafe mode
 * rewrites the pointer only (for when the parent file was moved or copied).
 */
import { SECTOR_SIZE } from "../block_device.ts";
import { type DiskChain, openChain } from "../chain.ts";
import { DiskError } from "../errors.ts";
import { fileIdentity } from "../parent_resolver.ts";
import { rewriteParentPointer } from "./parent_pointer.ts";
import { noProgress, type ProgressSink } from "./progress.ts";

export interface RebaseOptions {
  readonly parent: string;
  /** Rewrite the pointer only, without making the content independent of the old parent. */
  readonly unsafe?: boolean;
  readonly allowParentDirs?: readonly string[];
  readonly progress?: ProgressSink;
}

/** What rebase did (also the `--json` shape). */
export interface RebaseResult {
  readonly child: string;
  readonly parent: string;
  readonly bytesCopied: number;
  readonly unsafe: boolean;
}

const CHUNK_SECTORS = 2048;

/** Rebases `childPath` onto `options.parent`. */
export function rebaseDisk(childPath: string, options: RebaseOptions): RebaseResult {
  const allowParentDirs = options.allowParentDirs ?? [];
  const newParent = openChain(options.parent, { readOnly: true, allowParentDirs });
  let copied = 0;
  try {
    const childId = identityOf(childPath);
    if (newParent.layers.some((l) => identityOf(l.path) === childId)) {
      throw new DiskError(childPath, `cannot rebase onto ${options.parent}: its chain contains this image`);
    }
    if (!options.unsafe) {
      const old = openChain(childPath, { allowParentDirs });
      try {
        copied = copyDifferences(old, newParent, options.progress ?? noProgress);
        old.flush();
      } finally {
        old.close();
      }
    }
  } finally {
    newParent.close();
  }
  rewriteParentPointer(childPath, options.parent);
  return { child: childPath, parent: options.parent, bytesCopied: copied, unsafe: !!options.unsafe };
}

function identityOf(path: string): string {
  const real = Deno.realPathSync(path);
  return fileIdentity(Deno.statSync(real), real);
}

/** Writes into the top of `old` each sector it does not hold where `old` and `next` differ. */
function copyDifferences(old: DiskChain, next: DiskChain, progress: ProgressSink): number {
  const child = old.top;
  const total = child.sectorCount;
  const a = new Uint8Array(CHUNK_SECTORS * SECTOR_SIZE);
  const b = new Uint8Array(CHUNK_SECTORS * SECTOR_SIZE);
  let copied = 0;
  for (let lba = 0; lba < total;) {
    const run = child.allocationRun(lba, Math.min(CHUNK_SECTORS, total - lba));
    const n = Math.abs(run);
    if (run < 0) {
      old.read(lba, n, a);
      readOrZero(next, lba, n, b);
      let start = -1;
      for (let s = 0; s <= n; s++) {
        const differs = s < n && !sameSector(a, b, s);
        if (differs && start < 0) start = s;
        if (!differs && start >= 0) {
          old.write(lba + start, s - start, a.subarray(start * SECTOR_SIZE, s * SECTOR_SIZE));
          copied += (s - start) * SECTOR_SIZE;
          start = -1;
        }
      }
    }
    lba += n;
    progress(lba, total);
  }
  return copied;
}

/** Reads `count` sectors of `disk`; sectors past its end read as zeros. */
export function readOrZero(disk: DiskChain, lba: number, count: number, into: Uint8Array): void {
  const inside = Math.max(0, Math.min(count, disk.sectorCount - lba));
  if (inside > 0) disk.read(lba, inside, into);
  into.fill(0, inside * SECTOR_SIZE, count * SECTOR_SIZE);
}

function sameSector(a: Uint8Array, b: Uint8Array, sector: number): boolean {
  const start = sector * SECTOR_SIZE;
  for (let i = start; i < start + SECTOR_SIZE; i++) if (a[i] !== b[i]) return false;
  return true;
}
