/**
 * Locates the read-only test material at `../shared` beside the repository root.
 */

/** URL of the shared folder (with a trailing slash), whether or not it exists. */
export const SHARED_URL: URL = new URL("../../../shared/", import.meta.url);

/** True when `../shared/<relative>` exists. */
export function sharedExists(relative = ""): boolean {
  try {
    Deno.statSync(new URL(relative, SHARED_URL));
    return true;
  } catch {
    return false;
  }
}
