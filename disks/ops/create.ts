/** `tty86 disk create`: a new base image of a given size, or a differencing child of a parent. */
import { formatFromExtension } from "../detect.ts";
import { DiskError } from "../errors.ts";
import type { ImageFormat } from "../layer.ts";
import { createImage } from "../open.ts";
import { type ImageInfo, imageInfo } from "./info.ts";

const SUFFIXES: Readonly<Record<string, number>> = {
  "": 1,
  B: 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
};

/** Parses a size such as `20M`, `1.5G`, `512K` or `1048576` (bytes); `what` names it in errors. */
export function parseSize(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGTB]?)(?:iB|B)?$/i.exec(text.trim());
  if (!match) throw new DiskError(what, `invalid size "${text}" (use a number with K, M or G)`);
  const bytes = Math.round(Number(match[1]) * SUFFIXES[match[2].toUpperCase()]);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new DiskError(what, `invalid size "${text}"`);
  return bytes;
}

export interface CreateOptions {
  readonly size?: number;
  readonly parent?: string;
  readonly format?: ImageFormat;
  readonly type?: "fixed" | "dynamic";
  readonly allowParentDirs?: readonly string[];
}

/** Creates the image and returns its description (as `info` shows it). */
export function createDisk(path: string, options: CreateOptions): ImageInfo {
  const format = options.format ?? formatFromExtension(path);
  if (options.type !== undefined && format !== "vhd") {
    throw new DiskError(path, `--type applies to VHD images only, not ${format}`);
  }
  createImage(path, {
    format,
    ...(options.size !== undefined ? { size: options.size } : {}),
    ...(options.parent !== undefined ? { parent: options.parent } : {}),
    ...(options.type !== undefined ? { type: options.type } : {}),
  });
  return imageInfo(path, { allowParentDirs: options.allowParentDirs ?? [] });
}
