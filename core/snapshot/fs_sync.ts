/** Durable file replacement helpers: temp file, fsync, rename, directory fsync. */
import { dirname } from "node:path";

/** fsync(2) of the file at `path` without blocking the loop. */
export async function fsyncAsync(path: string): Promise<void> {
  const file = await Deno.open(path, { read: true });
  try {
    await file.sync();
  } finally {
    file.close();
  }
}

/** Makes a rename inside `dir` durable; tolerated where directories cannot be opened. */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await Deno.open(dir, { read: true });
    try {
      await handle.sync();
    } finally {
      handle.close();
    }
  } catch {
    // Best effort: the file data itself was synced before the rename.
  }
}

/**
 * Replaces `path` with `data` atomically: `<path>.tmp` is written, fsynced and renamed over it.
 * Resolves with the new file's inode number (null where the platform has none), so a caller can
 * tell its own file from one replaced since.
 */
export async function replaceFileAtomically(path: string, data: Uint8Array): Promise<number | null> {
  const temp = `${path}.tmp`;
  const file = await Deno.open(temp, { write: true, create: true, truncate: true });
  let ino: number | null = null;
  try {
    let done = 0;
    while (done < data.length) done += await file.write(data.subarray(done));
    await file.sync();
    ino = (await file.stat()).ino;
  } finally {
    file.close();
  }
  await Deno.rename(temp, path);
  await syncDirectory(dirname(path));
  return ino;
}

/** Synchronous variant for the command line (no emulation loop to keep running). */
export function replaceFileAtomicallySync(path: string, data: Uint8Array): void {
  const temp = `${path}.tmp`;
  const file = Deno.openSync(temp, { write: true, create: true, truncate: true });
  try {
    let done = 0;
    while (done < data.length) done += file.writeSync(data.subarray(done));
    file.syncSync();
  } finally {
    file.close();
  }
  Deno.renameSync(temp, path);
  try {
    const handle = Deno.openSync(dirname(path), { read: true });
    try {
      handle.syncSync();
    } finally {
      handle.close();
    }
  } catch {
    // Best effort, as above.
  }
}
