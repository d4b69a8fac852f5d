/** `tty86 disk info`: what an image is, how big, how much is allocated, and its parent. */
import { SECTOR_SIZE } from "../block_device.ts";
import { type DiskChain, openChain } from "../chain.ts";
import { Qcow2Image } from "../formats/qcow2/qcow2_image.ts";
import { VhdImage } from "../formats/vhd/vhd_image.ts";
import type { DiskLayer, ImageFormat } from "../layer.ts";
import { openSingle, withLayer } from "./open_layer.ts";

/** One image's description (also the `--json` shape of `info`). */
export interface ImageInfo {
  readonly file: string;
  readonly format: ImageFormat;
  /** VHD: fixed/dynamic/differencing; qcow2: v2/v3; raw: raw. */
  readonly subformat: string;
  readonly virtualSize: number;
  readonly geometry: { cylinders: number; heads: number; sectorsPerTrack: number };
  readonly hostBytes: number;
  readonly allocatedBytes: number;
  /** Allocated bytes / virtual size, 0..1. */
  readonly allocatedShare: number;
  /** The parent as the image names it (first candidate), or null for a base image. */
  readonly parent: string | null;
  readonly parentFormat: ImageFormat | null;
}

export interface InfoOptions {
  readonly allowParentDirs?: readonly string[];
}

/** Describes the image at `path`, opening only that file (read-only). */
export function imageInfo(path: string, _options: InfoOptions = {}): ImageInfo {
  return withLayer(openSingle(path), describeLayer);
}

/** Describes every layer of the chain at `path`, top first. */
export function chainInfo(path: string, options: InfoOptions = {}): ImageInfo[] {
  const chain = openChain(path, { readOnly: true, allowParentDirs: options.allowParentDirs ?? [] });
  try {
    return describeChain(chain);
  } finally {
    chain.close();
  }
}

function describeChain(chain: DiskChain): ImageInfo[] {
  const layers = chain.layers;
  return layers.map((layer, i) => {
    const info = describeLayer(layer);
    // In an open chain the parent is known exactly: report the file actually used.
    return i > 0 ? { ...info, parent: layers[i - 1].path, parentFormat: layers[i - 1].format } : info;
  }).reverse();
}

/** Describes one open layer. */
export function describeLayer(layer: DiskLayer): ImageInfo {
  const virtualSize = layer.sectorCount * SECTOR_SIZE;
  const allocatedBytes = allocatedSectors(layer) * SECTOR_SIZE;
  return {
    file: layer.path,
    format: layer.format,
    subformat: subformatOf(layer),
    virtualSize,
    geometry: { ...layer.geometry },
    hostBytes: layer.hostBytes(),
    allocatedBytes,
    allocatedShare: virtualSize > 0 ? allocatedBytes / virtualSize : 0,
    parent: layer.parentRef?.paths[0] ?? null,
    parentFormat: layer.parentRef ? layer.parentRef.format ?? null : null,
  };
}

/** Sectors this layer holds itself. */
export function allocatedSectors(layer: DiskLayer): number {
  let total = 0;
  for (let lba = 0; lba < layer.sectorCount;) {
    const run = layer.allocationRun(lba, layer.sectorCount - lba);
    if (run > 0) total += run;
    lba += Math.abs(run);
  }
  return total;
}

function subformatOf(layer: DiskLayer): string {
  if (layer instanceof VhdImage) {
    if (layer.header === null) return "fixed";
    return layer.isDifferencing ? "differencing" : "dynamic";
  }
  if (layer instanceof Qcow2Image) return `v${layer.header.version}`;
  return layer.format;
}

/** Human units: 20 MiB, 1.5 GiB, 512 B. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${text} ${units[unit]}`;
}

/** The text `info` prints for one image. */
export function infoText(info: ImageInfo): string[] {
  const g = info.geometry;
  return [
    `file:           ${info.file}`,
    `format:         ${info.format} (${info.subformat})`,
    `virtual size:   ${formatBytes(info.virtualSize)} (${info.virtualSize} bytes)`,
    `geometry:       ${g.cylinders}/${g.heads}/${g.sectorsPerTrack} (C/H/S)`,
    `host bytes:     ${formatBytes(info.hostBytes)} (${info.hostBytes} bytes)`,
    `allocated:      ${formatBytes(info.allocatedBytes)} (${(info.allocatedShare * 100).toFixed(1)}%)`,
    `parent:         ${
      info.parent === null ? "none" : `${info.parent}${info.parentFormat ? ` (${info.parentFormat})` : ""}`
    }`,
  ];
}
