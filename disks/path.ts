/**
 * POSIX path functions with node:path's exact results (`tests/disks/path_test.ts` compares them on many
 * inputs): the disk modules every boot loads use these instead of node:path, whose import alone costs
 * ~10–17 ms of process start-up (Deno's Node compatibility layer). tty86 runs on POSIX hosts only.
 *
 * Parent paths inside images are hostile data (`parent_resolver.ts`), so these keep node:path's semantics
 * to the letter, quirks included (`dirname("//a")` is `"//"`).
 */

/** `path` with `.` and empty segments dropped and `..` applied; `..` above the start kept if `aboveRoot`. */
function normalizeSegments(path: string, aboveRoot: boolean): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (aboveRoot) out.push("..");
      continue;
    }
    out.push(segment);
  }
  return out.join("/");
}

/** True if `path` starts at the root. */
export function isAbsolute(path: string): boolean {
  return path.length > 0 && path.charCodeAt(0) === 0x2F;
}

/** `path` without `.`, `..` and doubled slashes; keeps a trailing slash; `"."` for nothing. */
export function normalize(path: string): string {
  if (path.length === 0) return ".";
  const absolute = isAbsolute(path);
  const trailingSlash = path.charCodeAt(path.length - 1) === 0x2F;
  let out = normalizeSegments(path, !absolute);
  if (out.length === 0) {
    if (absolute) return "/";
    return trailingSlash ? "./" : ".";
  }
  if (trailingSlash) out += "/";
  return absolute ? `/${out}` : out;
}

/** The non-empty parts joined with `/`, normalised; `"."` for nothing. */
export function join(...parts: string[]): string {
  let joined: string | undefined;
  for (const part of parts) {
    if (part.length > 0) joined = joined === undefined ? part : `${joined}/${part}`;
  }
  return joined === undefined ? "." : normalize(joined);
}

/** The absolute, normalised path of `parts` applied right to left from the working directory. */
export function resolve(...parts: string[]): string {
  let resolved = "";
  let absolute = false;
  for (let i = parts.length - 1; i >= -1 && !absolute; i--) {
    const part = i >= 0 ? parts[i] : Deno.cwd();
    if (part.length === 0) continue;
    resolved = `${part}/${resolved}`;
    absolute = isAbsolute(part);
  }
  const out = normalizeSegments(resolved, !absolute);
  if (absolute) return `/${out}`;
  return out.length > 0 ? out : ".";
}

/** The path from `from` to `to` (both resolved first); `""` if they are the same. */
export function relative(from: string, to: string): string {
  if (from === to) return "";
  const a = resolve(from);
  const b = resolve(to);
  if (a === b) return "";
  // Both are normalised absolute paths: no empty, `.` or `..` segments past the leading slash.
  const fromParts = a === "/" ? [] : a.slice(1).split("/");
  const toParts = b === "/" ? [] : b.slice(1).split("/");
  let common = 0;
  while (common < fromParts.length && common < toParts.length && fromParts[common] === toParts[common]) {
    common++;
  }
  const out: string[] = [];
  for (let i = common; i < fromParts.length; i++) out.push("..");
  for (let i = common; i < toParts.length; i++) out.push(toParts[i]);
  return out.join("/");
}

/** Everything before the last segment (trailing slashes ignored); `"."` or `"/"` if there is none. */
export function dirname(path: string): string {
  if (path.length === 0) return ".";
  const hasRoot = path.charCodeAt(0) === 0x2F;
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= 1; --i) {
    if (path.charCodeAt(i) === 0x2F) {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else {
      matchedSlash = false;
    }
  }
  if (end === -1) return hasRoot ? "/" : ".";
  if (hasRoot && end === 1) return "//";
  return path.slice(0, end);
}

/** The last segment of `path`, trailing slashes ignored; `""` if there is none. */
export function basename(path: string): string {
  let start = 0;
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= 0; --i) {
    if (path.charCodeAt(i) === 0x2F) {
      if (!matchedSlash) {
        start = i + 1;
        break;
      }
    } else if (end === -1) {
      matchedSlash = false;
      end = i + 1;
    }
  }
  return end === -1 ? "" : path.slice(start, end);
}
