/**
 * Format detection by content, never by name: qcow2 magic `QFI\xfb` at 0, a VHD footer
 * (`conectix`) at the end or its dynamic copy at 0, else raw.
 */
import type { HostFile } from "./host_file.ts";
import type { ImageFormat } from "./layer.ts";

const QCOW2_MAGIC = [0x51, 0x46, 0x49, 0xFB];
const VHD_COOKIE = [...new TextEncoder().encode("conectix")];

/** Detects the format of an open file. */
export function detectFormat(file: HostFile): ImageFormat {
  const head = new Uint8Array(8);
  const got = file.readUpTo(0, head);
  if (got >= 4 && QCOW2_MAGIC.every((b, i) => head[i] === b)) return "qcow2";
  if (got === 8 && VHD_COOKIE.every((b, i) => head[i] === b)) return "vhd";
  const size = file.size();
  if (size >= 512) {
    const tail = new Uint8Array(8);
    file.readUpTo(size - 512, tail);
    if (VHD_COOKIE.every((b, i) => tail[i] === b)) return "vhd";
  }
  return "raw";
}

/** The format a new image gets from its file name: `.vhd` → vhd, `.qcow2` → qcow2, else raw. */
export function formatFromExtension(path: string): ImageFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith(".vhd")) return "vhd";
  if (lower.endsWith(".qcow2")) return "qcow2";
  return "raw";
}
