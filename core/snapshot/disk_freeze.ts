/**
 * Disks at a snapshot: the top layer of each chain is frozen (becomes read-only) and
 * a new differencing child takes further writes, so the snapshot names an exact disk
 * state without copying any disk data. Restoring opens the frozen layer and puts a
 * fresh child on it; the layer the guest was using stays on disk as its own branch.
 */
import { dirname, join, resolve } from "node:path";
import { type DiskChain, openChain } from "../../disks/chain.ts";
import type { BlockDevice, ChsGeometry } from "../../disks/block_device.ts";
import type { ImageFormat } from "../../disks/layer.ts";
import { crc32 } from "./crc32.ts";
import { describeError, SnapshotError } from "./errors.ts";
import type { DiskRecord, LayerIdentity } from "./format.ts";

/** A drive and the chain behind it. */
export interface DriveChain {
  readonly drive: string;
  readonly chain: DiskChain;
}

/** Size, modification time and a CRC of the first and last 4 KiB of a layer file. */
export function layerIdentity(path: string): LayerIdentity {
  let file: Deno.FsFile | null = null;
  try {
    const info = Deno.statSync(path);
    file = Deno.openSync(path, { read: true });
    const span = Math.min(4096, info.size);
    const buf = new Uint8Array(span * 2);
    readAt(file, 0, buf.subarray(0, span));
    readAt(file, info.size - span, buf.subarray(span));
    return {
      size: info.size,
      mtimeMs: info.mtime?.getTime() ?? 0,
      headerCrc: crc32(buf).toString(16).padStart(8, "0"),
    };
  } catch (e) {
    throw new SnapshotError(path, `cannot identify disk layer: ${describeError(e)}`);
  } finally {
    file?.close();
  }
}

function readAt(file: Deno.FsFile, at: number, into: Uint8Array): void {
  file.seekSync(at, Deno.SeekMode.Start);
  let done = 0;
  while (done < into.length) {
    const n = file.readSync(into.subarray(done));
    if (n === null) throw new Error(`file ended at ${at + done}`);
    done += n;
  }
}

/** Format of the child put on a layer: VHD over VHD, qcow2 over anything else. */
function childFormat(top: ImageFormat): ImageFormat {
  return top === "vhd" ? "vhd" : "qcow2";
}

/** Path of a new child layer for `drive` in `stateDir`, named after the snapshot that created it. */
export function childPath(stateDir: string, drive: string, tag: string, format: ImageFormat): string {
  return join(stateDir, `${drive}-${tag}.${format === "vhd" ? "vhd" : "qcow2"}`);
}

/**
 * Freezes the top of every chain and pushes a new writable child into `stateDir`.
 * Call it while the guest is stopped for the snapshot. Returns what the snapshot records.
 */
export function freezeDisks(
  drives: readonly DriveChain[],
  stateDir: string,
  snapshotId: string,
): DiskRecord[] {
  return drives.map(({ drive, chain }) => {
    const frozen = chain.top;
    const layers = chain.layers.map((l) => resolve(l.path));
    const format = childFormat(frozen.format);
    chain.pushChild(childPath(stateDir, drive, snapshotId, format), format);
    return {
      drive,
      frozenPath: resolve(frozen.path),
      format: frozen.format,
      identity: layerIdentity(frozen.path),
      layers,
    };
  });
}

/** Checks that a recorded frozen layer is still exactly the file the snapshot saw. */
export function verifyDiskRecord(record: DiskRecord): void {
  const now = layerIdentity(record.frozenPath);
  const was = record.identity;
  if (now.size !== was.size || now.mtimeMs !== was.mtimeMs || now.headerCrc !== was.headerCrc) {
    throw new SnapshotError(
      record.frozenPath,
      `disk layer for drive ${record.drive} changed since the snapshot ` +
        `(size ${was.size}→${now.size}, mtime ${was.mtimeMs}→${now.mtimeMs}, header crc ${was.headerCrc}→${now.headerCrc})`,
    );
  }
}

/**
 * For each record, verifies the frozen layer, opens its chain read-only and puts a new
 * writable child on it (named after `tag`). On any failure every chain opened so far is closed.
 */
export function reopenDisks(records: readonly DiskRecord[], stateDir: string, tag: string): DriveChain[] {
  for (const r of records) verifyDiskRecord(r);
  const out: DriveChain[] = [];
  try {
    for (const r of records) {
      const chain = openChain(r.frozenPath, {
        readOnly: true,
        format: r.format as ImageFormat,
        allowParentDirs: [...new Set(r.layers.map((l) => dirname(l)))],
      });
      out.push({ drive: r.drive, chain });
      const format = childFormat(chain.top.format);
      chain.pushChild(childPath(stateDir, r.drive, tag, format), format);
    }
  } catch (e) {
    for (const d of out) d.chain.close();
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(stateDir, `cannot reopen disks: ${describeError(e)}`);
  }
  return out;
}

/**
 * A drive the machine holds on to while the chain behind it changes (a restore
 * switches it to a new branch). Counts writes so the rewind ring can tell when the
 * disk moved on.
 */
export class DiskSlot implements BlockDevice {
  readonly sectorSize = 512;
  #chain: DiskChain;
  /** Writes since the slot was made. */
  writes = 0;

  constructor(chain: DiskChain) {
    this.#chain = chain;
  }

  get chain(): DiskChain {
    return this.#chain;
  }

  /** Serves `chain` from now on; the previous chain is flushed and closed (its files stay). */
  switchTo(chain: DiskChain): void {
    if (chain.sectorCount !== this.#chain.sectorCount) {
      throw new SnapshotError(
        chain.top.path,
        `disk has ${chain.sectorCount} sectors, the drive had ${this.#chain.sectorCount}`,
      );
    }
    const old = this.#chain;
    this.#chain = chain;
    old.flush();
    old.close();
  }

  get sectorCount(): number {
    return this.#chain.sectorCount;
  }

  get geometry(): ChsGeometry {
    return this.#chain.geometry;
  }

  get readOnly(): boolean {
    return this.#chain.readOnly;
  }

  read(lba: number, count: number, into: Uint8Array): void {
    this.#chain.read(lba, count, into);
  }

  write(lba: number, count: number, from: Uint8Array): void {
    this.writes++;
    this.#chain.write(lba, count, from);
  }

  flush(): void {
    this.#chain.flush();
  }

  close(): void {
    this.#chain.close();
  }
}
