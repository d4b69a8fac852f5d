/**
 * `tty86 disk convert`: flattens a chain into one new image of any format. Only ranges
 * the chain maps are read, and all-zero clusters are not written, so sparse outputs stay
 * sparse. The image is built under a temporary name in the target directory, synced, and
 * renamed into place; an existing file is never replaced.
 */
import { basename, dirname, join } from "node:path";
import { SECTOR_SIZE } from "../block_device.ts";
import { type DiskChain, openChain } from "../chain.ts";
import { DiskError } from "../errors.ts";
import { openLayer } from "../formats/registry.ts";
import { describe } from "../host_file.ts";
import type { DiskLayer, ImageFormat } from "../layer.ts";
import { createImage } from "../open.ts";
import { noProgress, type ProgressSink } from "./progress.ts";
import { isAllZero } from "./zeros.ts";

export interface ConvertOptions {
  readonly format: ImageFormat;
  /** VHD subformat of the output (default dynamic). */
  readonly vhdType?: "fixed" | "dynamic";
  readonly allowParentDirs?: readonly string[];
  readonly progress?: ProgressSink;
}

/** What convert did (also the `--json` shape). */
export interface ConvertResult {
  readonly input: string;
  readonly output: string;
  readonly format: ImageFormat;
  readonly virtualSize: number;
  readonly bytesWritten: number;
}

const CHUNK_SECTORS = 2048;
/** Zero detection unit: one 64 KiB qcow2 cluster (also divides VHD's 2 MiB blocks). */
const ZERO_UNIT_SECTORS = 128;

/** Converts the chain at `input` into a new image at `output`. */
export function convertDisk(input: string, output: string, options: ConvertOptions): ConvertResult {
  if (exists(output)) throw new DiskError(output, "already exists (refusing to overwrite)");
  const chain = openChain(input, { readOnly: true, allowParentDirs: options.allowParentDirs ?? [] });
  const temp = join(dirname(output), `.${basename(output)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  let out: DiskLayer | null = null;
  try {
    const size = chain.sectorCount * SECTOR_SIZE;
    createImage(temp, {
      format: options.format,
      size,
      ...(options.format === "vhd" ? { type: options.vhdType ?? "dynamic" } : {}),
    });
    out = openLayer(temp, options.format, { readOnly: false });
    const written = copyMapped(chain, out, options.progress ?? noProgress);
    out.flush();
    out.close();
    out = null;
    Deno.renameSync(temp, output);
    syncDirectory(dirname(output));
    return { input, output, format: options.format, virtualSize: size, bytesWritten: written };
  } catch (e) {
    out?.close();
    try {
      Deno.removeSync(temp);
    } catch {
      // Never created, or already renamed.
    }
    if (e instanceof DiskError) throw e;
    throw new DiskError(output, `cannot convert: ${describe(e)}`);
  } finally {
    chain.close();
  }
}

/** Copies every mapped, non-zero range of `chain` into `out`; returns bytes written. */
function copyMapped(
  chain: DiskChain,
  out: DiskLayer,
  progress: ProgressSink,
): number {
  const buffer = new Uint8Array(CHUNK_SECTORS * SECTOR_SIZE);
  const total = chain.sectorCount;
  let written = 0;
  for (const extent of chain.extents()) {
    const end = extent.start + extent.count;
    if (extent.layer === null) {
      progress(end, total);
      continue;
    }
    for (let lba = extent.start; lba < end;) {
      // Chunks end on chunk boundaries so that output clusters are written whole.
      const n = Math.min(end, (Math.floor(lba / CHUNK_SECTORS) + 1) * CHUNK_SECTORS) - lba;
      chain.read(lba, n, buffer);
      written += writeNonZero(out, lba, n, buffer);
      lba += n;
      progress(lba, total);
    }
  }
  return written;
}

/** Writes the non-zero units of `data` (merged into runs); returns bytes written. */
function writeNonZero(out: DiskLayer, lba: number, count: number, data: Uint8Array): number {
  let written = 0;
  let runStart = -1;
  let s = 0;
  while (s <= count) {
    const unitEnd = Math.min(
      count,
      (Math.floor((lba + s) / ZERO_UNIT_SECTORS) + 1) * ZERO_UNIT_SECTORS - lba,
    );
    const zero = s === count || isAllZero(data.subarray(s * SECTOR_SIZE, unitEnd * SECTOR_SIZE));
    if (!zero && runStart < 0) runStart = s;
    if (zero && runStart >= 0) {
      out.write(lba + runStart, s - runStart, data.subarray(runStart * SECTOR_SIZE, s * SECTOR_SIZE));
      written += (s - runStart) * SECTOR_SIZE;
      runStart = -1;
    }
    if (s === count) break;
    s = unitEnd;
  }
  return written;
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Makes the rename durable; best effort where directories cannot be opened. */
function syncDirectory(dir: string): void {
  try {
    const handle = Deno.openSync(dir, { read: true });
    try {
      handle.syncSync();
    } finally {
      handle.close();
    }
  } catch {
    // The image data itself was synced before the rename.
  }
}
