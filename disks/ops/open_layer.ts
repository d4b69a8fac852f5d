/** Opening one image file on its own (no parents), with its format detected from its content. */
import { detectFormat } from "../detect.ts";
import { DiskError } from "../errors.ts";
import { openLayer } from "../formats/registry.ts";
import { describe, HostFile } from "../host_file.ts";
import type { DiskLayer, ImageFormat } from "../layer.ts";
import { notRegularReason } from "../parent_resolver.ts";

/** The format of the image at `path`, from its content; refuses anything but a regular file. */
export function formatOf(path: string): ImageFormat {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (e) {
    throw new DiskError(path, `cannot open: ${describe(e)}`);
  }
  const reason = notRegularReason(info);
  if (reason) throw new DiskError(path, `refusing to open: ${reason}`);
  const probe = HostFile.open(path, true);
  try {
    return detectFormat(probe);
  } finally {
    probe.close();
  }
}

/** Opens just the file at `path` as a layer (read-only unless asked). */
export function openSingle(path: string, readOnly = true): DiskLayer {
  return openLayer(path, formatOf(path), { readOnly });
}

/** Closes `layer` after `use` returns or throws. */
export function withLayer<T>(layer: DiskLayer, use: (layer: DiskLayer) => T): T {
  try {
    return use(layer);
  } finally {
    layer.close();
  }
}
