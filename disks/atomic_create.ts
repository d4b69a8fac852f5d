/**
 * Creates a file by writing a temporary file in the same directory, syncing it and
 * renaming it into place, so a crash never leaves a half-written image under the
 * final name. Refuses to replace an existing file unless asked to.
 */
import { basename, dirname, join } from "./path.ts";
import { DiskError } from "./errors.ts";
import { describe, HostFile } from "./host_file.ts";

export interface AtomicCreateOptions {
  /** Replace an existing file (default false: an existing file is an error). */
  readonly overwrite?: boolean;
}

/** Runs `build` on a fresh temp file, then renames it to `path`. */
export function createAtomically(
  path: string,
  build: (file: HostFile) => void,
  options: AtomicCreateOptions = {},
): void {
  if (!options.overwrite && exists(path)) throw new DiskError(path, "already exists (refusing to overwrite)");
  const dir = dirname(path);
  const suffix = crypto.getRandomValues(new Uint32Array(1))[0].toString(16);
  const temp = join(dir, `.${basename(path)}.${suffix}.tmp`);
  let file: HostFile | null = null;
  try {
    file = HostFile.create(temp);
    build(file);
    file.sync();
    file.close();
    file = null;
    Deno.renameSync(temp, path);
  } catch (e) {
    file?.close();
    try {
      Deno.removeSync(temp);
    } catch {
      // The temp file may not exist (creation failed) or was already renamed.
    }
    if (e instanceof DiskError) throw e;
    throw new DiskError(path, `cannot create: ${describe(e)}`);
  }
  syncDirectory(dir);
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Makes the rename durable; not every platform lets a directory be opened, so failure is tolerated. */
function syncDirectory(dir: string): void {
  try {
    const handle = Deno.openSync(dir, { read: true });
    try {
      handle.syncSync();
    } finally {
      handle.close();
    }
  } catch {
    // Best effort: the data itself was synced before the rename.
  }
}
