/**
 * Bundled builds and the stamps that say whether one is current. `deno task build` bundles an
 * entry point with everything it imports into one file under `dist/` (see scripts/bundle.ts);
 * Deno then loads one file instead of ~250 modules, ~30–40 ms less start-up. Beside each bundle
 * a stamp lists every source file that went into it with its size and modification time, and
 * the Deno version: a bundle is used only while all of them are unchanged, so an edited source
 * never runs stale code (the launcher falls back to the modules).
 *
 * This module is on the start-up path: it imports nothing.
 *
 * @example
 * ```ts
 * const url = currentBundle("tty86");
 * await import(url ?? "./cli/main.ts");
 * ```
 */

/** What a stamp file holds. */
export interface BundleStamp {
  /** Deno version that built the bundle (another may bundle differently). */
  deno: string;
  /** Source files relative to the repository root: [path, size, mtime in ms]. */
  files: [string, number, number][];
}

/** The repository root (this file lives in `cli/`). */
export const REPO_ROOT_URL: URL = new URL("../", import.meta.url);

/** URL of bundle `name`'s file. */
export function bundleUrl(name: string): URL {
  return new URL(`dist/${name}.js`, REPO_ROOT_URL);
}

/** URL of bundle `name`'s stamp. */
export function stampUrl(name: string): URL {
  return new URL(`dist/${name}.stamp.json`, REPO_ROOT_URL);
}

/** Size and mtime of each file as a stamp records them (relative paths under the root). */
export function describeFiles(paths: readonly string[]): [string, number, number][] {
  return paths.map((path) => {
    const info = Deno.statSync(new URL(path, REPO_ROOT_URL));
    return [path, info.size, info.mtime?.getTime() ?? 0];
  });
}

/** True if every file the stamp lists is as it was and the Deno version is the same. */
export function stampIsCurrent(stamp: BundleStamp): boolean {
  if (stamp.deno !== Deno.version.deno || !Array.isArray(stamp.files) || stamp.files.length === 0) {
    return false;
  }
  for (const [path, size, mtime] of stamp.files) {
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(new URL(path, REPO_ROOT_URL));
    } catch {
      return false;
    }
    if (info.size !== size || (info.mtime?.getTime() ?? 0) !== mtime) return false;
  }
  return true;
}

/** True if bundle `name` exists and its stamp is current. Never throws. */
export function bundleIsCurrent(name: string): boolean {
  try {
    const stamp = JSON.parse(Deno.readTextFileSync(stampUrl(name))) as BundleStamp;
    if (!stampIsCurrent(stamp)) return false;
    Deno.statSync(bundleUrl(name));
    return true;
  } catch {
    return false;
  }
}

/** The URL of bundle `name` to run: null when it is not current or TTY86_NO_BUNDLE=1. Never throws. */
export function currentBundle(name: string): string | null {
  let forbidden = false;
  try {
    forbidden = Deno.env.get("TTY86_NO_BUNDLE") === "1";
  } catch {
    // no env permission: the bundle may run
  }
  return !forbidden && bundleIsCurrent(name) ? bundleUrl(name).href : null;
}
