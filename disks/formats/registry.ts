/**
 * The one place that knows every format's open and create functions, so the chain and
 * `openDisk` dispatch on an {@link ImageFormat} without importing formats themselves.
 */
import type { ChsGeometry } from "../block_device.ts";
import type { FileOpObserver } from "../host_file.ts";
import type { DiskLayer, ImageFormat } from "../layer.ts";
import { createQcow2, openQcow2 } from "./qcow2/qcow2_image.ts";
import { openRaw } from "./raw.ts";
import { openVhd } from "./vhd/vhd_image.ts";

export interface OpenLayerOptions {
  readonly readOnly: boolean;
  /** Geometry override (raw images only). */
  readonly geometry?: ChsGeometry;
  readonly observer?: FileOpObserver;
}

/** Opens one image file as a layer of the given format. */
export function openLayer(path: string, format: ImageFormat, options: OpenLayerOptions): DiskLayer {
  switch (format) {
    case "raw":
      return openRaw(path, options);
    case "vhd":
      return openVhd(path, options);
    case "qcow2":
      return openQcow2(path, { readOnly: options.readOnly, fileObserver: options.observer ?? null });
  }
}

/** Options for a new qcow2 image made through the registry. */
export interface Qcow2CreateOptions {
  readonly size: number;
  readonly backingFile?: string;
  readonly backingFormat?: ImageFormat;
}

/** Creates a qcow2 image, optionally over a backing file. */
export function createQcow2Image(path: string, options: Qcow2CreateOptions): void {
  createQcow2(path, {
    size: options.size,
    ...(options.backingFile !== undefined ? { backingFile: options.backingFile } : {}),
    ...(options.backingFormat !== undefined ? { backingFormat: options.backingFormat } : {}),
  });
}
