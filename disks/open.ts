/**
 * The disk layer's entry points for the rest of tty86: `openDisk` (what the machine
 * uses) and `createImage` (what `tty86 disk create` uses).
 */
import { basename, dirname, relative, resolve } from "./path.ts";
import { DiskChain, openChain, type OpenChainOptions } from "./chain.ts";
import { detectFormat, formatFromExtension } from "./detect.ts";
import { DiskError } from "./errors.ts";
import { createRaw } from "./formats/raw.ts";
import { createQcow2Image, openLayer } from "./formats/registry.ts";
import { createVhd, createVhdDifferencing } from "./formats/vhd/create.ts";
import { HostFile } from "./host_file.ts";
import type { ImageFormat } from "./layer.ts";

export interface OpenDiskOptions extends OpenChainOptions {
  /**
   * Open every file read-only and put an in-memory overlay on top: the guest may write,
   * but nothing reaches the image files.
   */
  readonly overlay?: boolean;
}

/** Opens a disk image with its whole chain, ready for the machine. */
export function openDisk(path: string, options: OpenDiskOptions = {}): DiskChain {
  const chain = openChain(path, options.overlay ? { ...options, readOnly: true } : options);
  if (options.overlay) chain.pushOverlay();
  return chain;
}

export interface CreateImageOptions {
  /** Defaults to the extension: `.vhd` → vhd, `.qcow2` → qcow2, else raw. */
  readonly format?: ImageFormat;
  /** Virtual size in bytes; required without a parent, defaults to the parent's size. */
  readonly size?: number;
  /** Makes a differencing child of this image (VHD needs a VHD parent). */
  readonly parent?: string;
  /** VHD subformat without a parent (default dynamic). */
  readonly type?: "fixed" | "dynamic";
}

/** Creates a new image file; never overwrites an existing one. */
export function createImage(path: string, options: CreateImageOptions): void {
  const format = options.format ?? formatFromExtension(path);
  if (options.parent !== undefined) {
    createChild(path, format, options.parent, options.size);
    return;
  }
  if (options.size === undefined) {
    throw new DiskError(path, "a size is needed to create an image without a parent");
  }
  switch (format) {
    case "raw":
      createRaw(path, options.size);
      return;
    case "vhd":
      createVhd(path, { size: options.size, type: options.type ?? "dynamic" });
      return;
    case "qcow2":
      createQcow2Image(path, { size: options.size });
      return;
  }
}

function createChild(path: string, format: ImageFormat, parentPath: string, size: number | undefined): void {
  if (format === "raw") throw new DiskError(path, "a raw image cannot have a parent");
  const probe = HostFile.open(parentPath, true);
  let parentFormat: ImageFormat;
  try {
    parentFormat = detectFormat(probe);
  } finally {
    probe.close();
  }
  if (format === "vhd") {
    if (size !== undefined) throw new DiskError(path, "a VHD differencing disk always has its parent's size");
    if (parentFormat !== "vhd") {
      throw new DiskError(
        path,
        `a VHD differencing disk needs a VHD parent, and ${parentPath} is ${parentFormat}; make the child qcow2`,
      );
    }
    createVhdDifferencing(path, parentPath);
    return;
  }
  // Only the parent itself is opened (read-only), for its virtual size.
  const parent = openLayer(parentPath, parentFormat, { readOnly: true });
  const parentSize = parent.sectorCount * parent.sectorSize;
  parent.close();
  const backingFile = relative(dirname(resolve(path)), resolve(parentPath)) || basename(parentPath);
  createQcow2Image(path, { size: size ?? parentSize, backingFile, backingFormat: parentFormat });
}
