/**
 * `tty86 disk discard`: rolls a disk back by deleting its top child. Refuses to delete a
 * base image (one with no parent) unless forced, and always refuses to delete an image
 * that other images are built on. Asking the user is the CLI's job.
 */
import { DiskError } from "../errors.ts";
import { findDependents } from "./dependents.ts";
import { openSingle, withLayer } from "./open_layer.ts";

export interface DiscardOptions {
  /** Allow deleting an image that has no parent. */
  readonly force?: boolean;
  readonly allowParentDirs?: readonly string[];
}

/** Why `path` may not be discarded, or null if it may. Opens the file read-only. */
export function discardRefusal(path: string, options: DiscardOptions = {}): string | null {
  const isBase = withLayer(openSingle(path), (layer) => layer.parentRef === null);
  if (isBase && !options.force) {
    return "is a base image (it has no parent), not a child; use --force to delete it anyway";
  }
  const dependents = findDependents(path, options.allowParentDirs ?? []);
  if (dependents.length > 0) return `other images depend on it: ${dependents.join(", ")}`;
  return null;
}

/** Deletes the child image at `path` after {@link discardRefusal} allows it. */
export function discardDisk(path: string, options: DiscardOptions = {}): { deleted: string } {
  const refusal = discardRefusal(path, options);
  if (refusal) throw new DiskError(path, `refusing to discard: ${refusal}`);
  try {
    Deno.removeSync(path);
  } catch (e) {
    throw new DiskError(path, `cannot delete: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { deleted: path };
}
