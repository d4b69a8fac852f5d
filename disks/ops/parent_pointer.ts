/** Rewriting a child's parent pointer, whatever its format (the pointer-only part of rebase). */
import { basename, dirname, relative, resolve } from "node:path";
import { DiskError } from "../errors.ts";
import { formatOf } from "./open_layer.ts";
import { rewriteQcow2Backing } from "./qcow2_pointer.ts";
import { rewriteVhdParent } from "./vhd_pointer.ts";

/** Makes the image at `childPath` name `parentPath` as its parent (stored relative to the child). */
export function rewriteParentPointer(childPath: string, parentPath: string): void {
  const childFormat = formatOf(childPath);
  const parentFormat = formatOf(parentPath);
  switch (childFormat) {
    case "raw":
      throw new DiskError(childPath, "a raw image cannot have a parent");
    case "vhd":
      if (parentFormat !== "vhd") {
        throw new DiskError(childPath, `a VHD differencing disk needs a VHD parent, not ${parentFormat}`);
      }
      rewriteVhdParent(childPath, parentPath);
      return;
    case "qcow2": {
      const name = relative(dirname(resolve(childPath)), resolve(parentPath)) || basename(parentPath);
      rewriteQcow2Backing(childPath, name, parentFormat);
      return;
    }
  }
}
