/**
 * Finding the images that depend on a given image: every qcow2 or VHD file in the same
 * directory (and any allowed parent directory) whose parent reference resolves to it.
 * Commit and discard refuse to change or delete an image others are built on.
 */
import { dirname, join, resolve } from "node:path";
import { detectFormat } from "../detect.ts";
import { openLayer } from "../formats/registry.ts";
import { HostFile } from "../host_file.ts";
import { allowedRoots, fileIdentity, notRegularReason, resolveParent } from "../parent_resolver.ts";

/** Paths of the images whose parent is `path` (the scan skips anything it cannot read). */
export function findDependents(path: string, allowParentDirs: readonly string[] = []): string[] {
  const target = Deno.realPathSync(path);
  const targetId = fileIdentity(Deno.statSync(target), target);
  const dirs = new Set([dirname(resolve(path)), ...allowParentDirs.map((d) => resolve(d))]);
  const found: string[] = [];
  for (const dir of dirs) {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      continue;
    }
    for (const entry of entries) {
      const candidate = join(dir, entry.name);
      if (parentIdentityOf(candidate, allowParentDirs) === targetId) found.push(candidate);
    }
  }
  return found.sort();
}

/** The identity of the parent `path` names, or null (not an image, no parent, unreadable). */
function parentIdentityOf(path: string, allowParentDirs: readonly string[]): string | null {
  try {
    const info = Deno.statSync(path);
    if (notRegularReason(info) !== null) return null;
    const probe = HostFile.open(path, true);
    let format;
    try {
      format = detectFormat(probe);
    } finally {
      probe.close();
    }
    if (format === "raw") return null;
    const layer = openLayer(path, format, { readOnly: true });
    try {
      if (!layer.parentRef) return null;
      return resolveParent(path, layer.parentRef, allowedRoots(path, allowParentDirs)).identity;
    } finally {
      layer.close();
    }
  } catch {
    return null; // a damaged or foreign file is not a dependent we can prove
  }
}
