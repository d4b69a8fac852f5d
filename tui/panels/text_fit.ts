/** Fitting text into columns: padding, cutting with an ellipsis, and shortening file paths. */

const ELLIPSIS = "…";

/** Number of terminal columns a string takes (one per code point: panels use single-width text only). */
export function columns(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Cuts `s` to at most `width` columns, ending with "…" when something was cut. */
export function cut(s: string, width: number): string {
  if (width <= 0) return "";
  const chars = [...s];
  if (chars.length <= width) return s;
  return chars.slice(0, width - 1).join("") + ELLIPSIS;
}

/** `s` cut or padded with spaces to exactly `width` columns, on the left or the right. */
export function fit(s: string, width: number, align: "left" | "right" = "left"): string {
  const c = cut(s, width);
  const pad = " ".repeat(Math.max(0, width - columns(c)));
  return align === "left" ? c + pad : pad + c;
}

/**
 * Shortens a file path to `width` columns, keeping what identifies it: the file name whole if it
 * fits, the directories nearest it whole, and as much of the path's start as the rest allows, with
 * "…" for the middle.
 *
 * @example
 * ```ts
 * shortenPath("/home/ann/vms/dos/images/c-drive.qcow2", 28); // "/home/…/images/c-drive.qcow2"
 * ```
 */
export function shortenPath(path: string, width: number): string {
  if (columns(path) <= width) return path;
  const parts = path.split("/");
  const name = parts.pop() ?? "";
  if (columns(name) + 2 > width) return cutMiddle(name, width);
  // Keep the directories nearest the file whole (they say most about it)...
  let tail = "/" + name;
  for (let i = parts.length - 1; i >= 1; i--) {
    const candidate = `/${parts[i]}${tail}`;
    if (columns(candidate) + 1 + minHead(parts) > width) break;
    tail = candidate;
  }
  // ...then fill what is left with the start of the path.
  const headRoom = width - columns(tail) - 1;
  const head = [...path].slice(0, Math.max(0, headRoom)).join("");
  return `${head}${ELLIPSIS}${tail}`;
}

/** Leading characters worth keeping before "…": the first directory's start, up to 8. */
function minHead(parts: readonly string[]): number {
  return Math.min(8, columns(parts.slice(0, 2).join("/")));
}

/** Cuts the middle out of `s` so the start and the end (the extension) stay visible. */
function cutMiddle(s: string, width: number): string {
  if (width <= 1) return cut(s, width);
  const chars = [...s];
  const keepEnd = Math.floor((width - 1) / 2);
  const keepStart = width - 1 - keepEnd;
  return chars.slice(0, keepStart).join("") + ELLIPSIS + chars.slice(chars.length - keepEnd).join("");
}
