/** `tty86 disk check`: the format's structural check of one image file, with optional safe repair. */
import { SECTOR_SIZE } from "../block_device.ts";
import { checkQcow2 } from "../formats/qcow2/qcow2_image.ts";
import { checkVhd } from "../formats/vhd/check.ts";
import type { ImageFormat } from "../layer.ts";
import { formatOf } from "./open_layer.ts";

/** What `check` found (also its `--json` shape). */
export interface CheckReport {
  readonly file: string;
  readonly format: ImageFormat;
  readonly errors: string[];
  readonly warnings: string[];
  /** Bytes no metadata refers to (harmless; `--repair` reclaims what is safe). */
  readonly leakedBytes: number;
  readonly repaired: string[];
}

export interface CheckOptions {
  readonly repair?: boolean;
}

/** Checks the image at `path` on its own (parents are not opened). */
export function checkDisk(path: string, options: CheckOptions = {}): CheckReport {
  const format = formatOf(path);
  const repair = options.repair ?? false;
  switch (format) {
    case "vhd": {
      const r = checkVhd(path, { repair });
      return { file: path, format, ...r };
    }
    case "qcow2": {
      const r = checkQcow2(path, { repair });
      const clusterBytes = qcow2ClusterBytes(path);
      return {
        file: path,
        format,
        errors: r.errors,
        warnings: r.warnings,
        leakedBytes: r.leakedClusters * clusterBytes,
        repaired: r.repaired,
      };
    }
    case "raw": {
      const size = Deno.statSync(path).size;
      const errors = size === 0 ? ["image is empty"] : size % SECTOR_SIZE !== 0
        ? [
          `size ${size} is not a multiple of ${SECTOR_SIZE} (the last ${
            size % SECTOR_SIZE
          } bytes are unused)`,
        ]
        : [];
      return { file: path, format, errors, warnings: [], leakedBytes: 0, repaired: [] };
    }
  }
}

/** Cluster size from the header (bytes 20..23, cluster_bits); 64 KiB if it cannot be read. */
function qcow2ClusterBytes(path: string): number {
  try {
    const file = Deno.openSync(path, { read: true });
    try {
      const head = new Uint8Array(24);
      file.readSync(head);
      const bits = new DataView(head.buffer).getUint32(20);
      return bits >= 9 && bits <= 21 ? 2 ** bits : 65536;
    } finally {
      file.close();
    }
  } catch {
    return 65536; // the checker itself reports an unreadable header
  }
}

/** The text `check` prints. */
export function checkText(report: CheckReport): string[] {
  const lines: string[] = [];
  for (const e of report.errors) lines.push(`ERROR: ${e}`);
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  for (const r of report.repaired) lines.push(`repaired: ${r}`);
  if (report.leakedBytes > 0) {
    lines.push(`${report.leakedBytes} bytes leaked (harmless; --repair reclaims them)`);
  }
  lines.push(
    report.errors.length === 0
      ? `${report.file}: no errors found (${report.format})`
      : `${report.file}: ${report.errors.length} error(s) found (${report.format})`,
  );
  return lines;
}
