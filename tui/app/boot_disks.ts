/**
 * Opens the disks a `tty86 run` boots: each image with its chain, protected by an in-memory overlay
 * unless writes are allowed, sorted into floppies (standard floppy sizes) and hard disks.
 *
 * @example
 * ```ts
 * const disks = openBootDisks([{ path: "dos.img", kind: "auto" }], { write: false });
 * const machine = new Machine({ floppies: disks.floppies, hardDisks: disks.hardDisks });
 * ```
 */
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import type { DiskChain } from "../../disks/chain.ts";
import { floppyGeometry } from "../../disks/geometry.ts";
import { openDisk } from "../../disks/open.ts";

/** One disk asked for on the command line. */
export interface DiskRequest {
  path: string;
  /** `auto` decides by size: a standard floppy size is a floppy, anything else a hard disk. */
  kind: "auto" | "floppy" | "hdd";
}

/** How to open the disks. */
export interface BootDiskOptions {
  /** Write through to the images (`--write`); otherwise the guest's writes stay in memory. */
  write: boolean;
  /** Extra directories where parent images may live (`--allow-parent-dir`). */
  allowParentDirs?: readonly string[];
}

/** The opened disks, in drive order. */
export interface BootDisks {
  floppies: DiskChain[];
  hardDisks: DiskChain[];
  /** Flushes and closes every image. */
  close(): void;
}

/** The PC has two floppy drives and two hard disks. */
const MAX_PER_KIND = 2;

/** Opens every requested disk; on any failure closes the ones already opened and rethrows. */
export function openBootDisks(requests: readonly DiskRequest[], options: BootDiskOptions): BootDisks {
  const floppies: DiskChain[] = [];
  const hardDisks: DiskChain[] = [];
  const all: DiskChain[] = [];
  const close = (): void => {
    for (const disk of all) {
      try {
        disk.flush();
        disk.close();
      } catch {
        // Closing is best effort: a failing flush must not hide the reason we are closing.
      }
    }
    all.length = 0;
  };
  try {
    for (const request of requests) {
      const disk = openDisk(request.path, {
        overlay: !options.write,
        allowParentDirs: options.allowParentDirs,
      });
      all.push(disk);
      const kind = request.kind === "auto"
        ? (floppyGeometry(disk.sectorCount * SECTOR_SIZE) !== null ? "floppy" : "hdd")
        : request.kind;
      const list = kind === "floppy" ? floppies : hardDisks;
      if (list.length >= MAX_PER_KIND) {
        throw new Error(
          `${request.path}: the PC has only ${MAX_PER_KIND} ${
            kind === "floppy" ? "floppy drives" : "hard disks"
          }`,
        );
      }
      list.push(disk);
    }
  } catch (error) {
    close();
    throw error;
  }
  return { floppies, hardDisks, close };
}
