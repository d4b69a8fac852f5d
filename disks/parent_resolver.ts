/**
 * Safe resolution of a parent path read from an image. Such a path is data from a
 * possibly hostile file, so it is followed only to a regular file inside an allowed
 * directory tree (the opened image's own directory, plus any the user allows). Devices,
 * FIFOs, sockets, directories and symlinks leading outside are refused, and every
 * candidate tried is reported when none is usable. Nothing is opened here: checks use
 * lstat/stat/realpath only, so a FIFO is never opened (which could block).
 */
import { dirname, isAbsolute, join, relative, resolve } from "./path.ts";
import { DiskError } from "./errors.ts";
import { describe } from "./host_file.ts";
import type { ParentReference } from "./layer.ts";

/** A parent that passed every check. */
export interface ResolvedParent {
  /** The candidate path as resolved against the child's directory. */
  readonly path: string;
  /** Its real path (symlinks resolved); open this one. */
  readonly realPath: string;
  /** Identity for loop detection (device and inode). */
  readonly identity: string;
}

/** Device:inode identity of a file, falling back to its real path where the OS gives no inode. */
export function fileIdentity(info: Deno.FileInfo, realPath: string): string {
  return info.ino !== null && info.dev !== null ? `${info.dev}:${info.ino}` : realPath;
}

/** Real paths of the directories parents may live in; a missing allowed directory is an error. */
export function allowedRoots(imagePath: string, allowParentDirs: readonly string[]): string[] {
  const roots = [realPathOf(dirname(resolve(imagePath)), imagePath)];
  for (const dir of allowParentDirs) roots.push(realPathOf(resolve(dir), dir));
  return roots;
}

function realPathOf(path: string, named: string): string {
  try {
    return Deno.realPathSync(path);
  } catch (e) {
    throw new DiskError(named, `cannot resolve directory ${path}: ${describe(e)}`);
  }
}

/** Why `info` is not a regular file, or null if it is one. */
export function notRegularReason(info: Deno.FileInfo): string | null {
  if (info.isFile) return null;
  if (info.isDirectory) return "is a directory";
  if (info.isFifo) return "is a FIFO";
  if (info.isSocket) return "is a socket";
  if (info.isCharDevice || info.isBlockDevice) return "is a device";
  return "is not a regular file";
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * Finds the parent named by `ref` for the image at `childPath`. Relative candidates are
 * resolved against the child's directory. Throws a {@link DiskError} naming the child and
 * listing every candidate with the reason it was not used.
 */
export function resolveParent(
  childPath: string,
  ref: ParentReference,
  roots: readonly string[],
): ResolvedParent {
  if (ref.paths.length === 0) throw new DiskError(childPath, "needs a parent but records no parent path");
  const tried: string[] = [];
  for (const candidate of ref.paths) {
    const path = isAbsolute(candidate) ? candidate : join(dirname(childPath), candidate);
    const verdict = examine(path, roots);
    if (typeof verdict === "string") {
      tried.push(`${path} (${verdict})`);
      continue;
    }
    return verdict;
  }
  throw new DiskError(childPath, `parent not found or refused; tried: ${tried.join(", ")}`);
}

/** A usable parent, or the reason this candidate is not one. */
function examine(path: string, roots: readonly string[]): ResolvedParent | string {
  let link: Deno.FileInfo;
  try {
    link = Deno.lstatSync(path);
  } catch {
    return "not found";
  }
  let realPath: string;
  let info: Deno.FileInfo;
  try {
    realPath = Deno.realPathSync(path);
    info = Deno.statSync(realPath);
  } catch {
    return link.isSymlink ? "dangling symlink" : "cannot be resolved";
  }
  const notRegular = notRegularReason(info);
  if (notRegular) return link.isSymlink ? `symlink to something that ${notRegular}` : notRegular;
  if (!roots.some((root) => inside(root, realPath))) {
    const where = `outside the allowed directories (${roots.join(", ")}); allow its directory explicitly`;
    return link.isSymlink ? `symlink leading to ${realPath}, ${where}` : `${realPath} is ${where}`;
  }
  return { path, realPath, identity: fileIdentity(info, realPath) };
}
