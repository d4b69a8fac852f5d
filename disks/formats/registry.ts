/**
 * The one place that knows every format's open and create functions, so the chain and
 * `openDisk` dispatch on an {@link ImageFormat} without importing formats themselves.
 *
 * qcow2 is loaded with a guarded dynamic import: it is developed alongside and this
 * module must work (raw and VHD) even where qcow2 is missing or does not load.
 */
import type { ChsGeometry } from "../block_device.ts";
import { DiskError } from "../errors.ts";
import { describe, type FileOpObserver } from "../host_file.ts";
import type { DiskLayer, ImageFormat } from "../layer.ts";
import { openRaw } from "./raw.ts";
import { openVhd } from "./vhd/vhd_image.ts";

/** What the registry needs from the qcow2 module. */
interface Qcow2Module {
  openQcow2(path: string, options: { readOnly: boolean; fileObserver?: FileOpObserver | null }): DiskLayer;
  createQcow2(
    path: string,
    options: {
      size: number;
      backingFile?: string;
      backingFormat?: string;
      version?: 2 | 3;
      clusterBits?: number;
    },
  ): unknown;
}

let qcow2: Qcow2Module | null = null;
let qcow2LoadError = "";
try {
  // A non-literal specifier keeps type checking independent of the qcow2 module's state.
  const specifier = "./qcow2/qcow2_image.ts";
  qcow2 = (await import(specifier)) as Qcow2Module;
} catch (e) {
  qcow2LoadError = describe(e).split("\n")[0];
}

function requireQcow2(path: string): Qcow2Module {
  if (!qcow2) throw new DiskError(path, `qcow2 support is not available (${qcow2LoadError})`);
  return qcow2;
}

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
      return requireQcow2(path).openQcow2(path, {
        readOnly: options.readOnly,
        fileObserver: options.observer,
      });
  }
}

/** Options for a new qcow2 image (names as QEMU uses them; backing format in QEMU's spelling). */
export interface Qcow2CreateOptions {
  readonly size: number;
  readonly backingFile?: string;
  readonly backingFormat?: ImageFormat;
}

/** Creates a qcow2 image, optionally over a backing file. */
export function createQcow2Image(path: string, options: Qcow2CreateOptions): void {
  const backingFormat = options.backingFormat === "vhd" ? "vpc" : options.backingFormat;
  requireQcow2(path).createQcow2(path, {
    size: options.size,
    ...(options.backingFile !== undefined ? { backingFile: options.backingFile } : {}),
    ...(backingFormat !== undefined ? { backingFormat } : {}),
  });
}
