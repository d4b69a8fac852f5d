/** `tty86 disk map`: which layer of the chain serves each allocated range (like `qemu-img map`). */
import { SECTOR_SIZE } from "../block_device.ts";
import { openChain } from "../chain.ts";

/** One allocated byte range and the layer file that holds it. */
export interface MapExtent {
  readonly start: number;
  readonly length: number;
  /** Layer index, base = 0. */
  readonly depth: number;
  readonly file: string;
}

export interface MapOptions {
  readonly allowParentDirs?: readonly string[];
}

/** The allocated extents of the chain at `path` (unallocated ranges read as zeros and are left out). */
export function mapDisk(path: string, options: MapOptions = {}): MapExtent[] {
  const chain = openChain(path, { readOnly: true, allowParentDirs: options.allowParentDirs ?? [] });
  try {
    const out: MapExtent[] = [];
    for (const e of chain.extents()) {
      if (e.layer === null) continue;
      const start = e.start * SECTOR_SIZE;
      const length = e.count * SECTOR_SIZE;
      const last = out[out.length - 1];
      if (last && last.depth === e.layer && last.start + last.length === start) {
        out[out.length - 1] = { ...last, length: last.length + length };
      } else {
        out.push({ start, length, depth: e.layer, file: chain.layers[e.layer].path });
      }
    }
    return out;
  } finally {
    chain.close();
  }
}

/** The text `map` prints: a header and one aligned row per extent. */
export function mapText(extents: readonly MapExtent[]): string[] {
  const rows = [`${"Offset".padEnd(18)}${"Length".padEnd(18)}${"Layer".padEnd(7)}File`];
  for (const e of extents) {
    rows.push(`${hex(e.start).padEnd(18)}${hex(e.length).padEnd(18)}${String(e.depth).padEnd(7)}${e.file}`);
  }
  return rows;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
