/**
 * The tty's window size straight from the kernel (`ioctl(fd, TIOCGWINSZ)`), including the pixel
 * size that xterm, and terminals like it, store in `ws_xpixel`/`ws_ypixel`. `Deno.consoleSize()`
 * drops those two fields; they are how tty86 learns the cell size when the terminal does not answer
 * `CSI 14 t` / `CSI 16 t` (xterm without `allowWindowOps`, its default).
 *
 * The ioctl goes through FFI (`Deno.dlopen` of libc, Linux only). Everything degrades to `null`:
 * another OS, no FFI permission, no libc, fd not a tty, a terminal that leaves the pixel fields 0.
 *
 * @example
 * ```ts
 * const size = readWindowSize();          // { rows: 40, cols: 100, xpixel: 604, ypixel: 524 } in xterm
 * const cell = cellSizeFromWindow(size);  // { width: 6, height: 13 } (6x13 font)
 * ```
 * @module
 */

/** `struct winsize` as TIOCGWINSZ fills it. */
export interface WindowSize {
  rows: number;
  cols: number;
  /** Text area in pixels; 0 when the terminal does not say. */
  xpixel: number;
  ypixel: number;
}

/** `ioctl(fd, request, buffer)`, returning 0 on success (the libc convention). */
export type Ioctl = (fd: number, request: number, buffer: Uint8Array<ArrayBuffer>) => number;

/** The TIOCGWINSZ request number on Linux (all the common architectures). */
export const TIOCGWINSZ = 0x5413;
/** Size of `struct winsize`: four unsigned shorts. */
export const WINSIZE_BYTES = 8;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reads `struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; }` (host byte order).
 *
 * @example
 * ```ts
 * parseWinsize(Uint8Array.of(40, 0, 100, 0, 0x5c, 2, 0x0c, 2)); // { rows: 40, cols: 100, xpixel: 604, ypixel: 524 }
 * ```
 */
export function parseWinsize(buffer: Uint8Array, littleEndian = LITTLE_ENDIAN): WindowSize {
  if (buffer.length < WINSIZE_BYTES) throw new RangeError(`struct winsize needs ${WINSIZE_BYTES} bytes`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, WINSIZE_BYTES);
  return {
    rows: view.getUint16(0, littleEndian),
    cols: view.getUint16(2, littleEndian),
    xpixel: view.getUint16(4, littleEndian),
    ypixel: view.getUint16(6, littleEndian),
  };
}

let libc: Ioctl | null | undefined;

/**
 * libc's `ioctl` through FFI, opened once; null where that is not possible (not Linux, no FFI
 * permission, no `libc.so.6`).
 */
export function libcIoctl(): Ioctl | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (Deno.build.os !== "linux") return libc;
  try {
    // Never prompt for the permission (the terminal is in raw mode by then): use it only if granted.
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return libc;
    const lib = Deno.dlopen(
      "libc.so.6",
      {
        ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
      } as const,
    );
    libc = (fd, request, buffer) => lib.symbols.ioctl(fd, BigInt(request), buffer);
  } catch {
    // No permission (--allow-ffi), no glibc (musl names it differently), or FFI unavailable.
  }
  return libc;
}

/**
 * The window size of the first of `fds` that is a tty (stdout first: stdin may be redirected),
 * or null when none answers or FFI is unavailable. `ioctl` is injectable for tests.
 *
 * @example
 * ```ts
 * const size = readWindowSize();
 * if (size && size.xpixel > 0) console.log(`${size.xpixel}×${size.ypixel} px`);
 * ```
 */
export function readWindowSize(
  ioctl: Ioctl | null = libcIoctl(),
  fds: readonly number[] = [1, 0],
): WindowSize | null {
  if (ioctl === null) return null;
  const buffer = new Uint8Array(WINSIZE_BYTES);
  for (const fd of fds) {
    buffer.fill(0);
    let result: number;
    try {
      result = ioctl(fd, TIOCGWINSZ, buffer);
    } catch {
      return null;
    }
    if (result !== 0) continue;
    const size = parseWinsize(buffer);
    if (size.rows > 0 && size.cols > 0) return size;
  }
  return null;
}

/**
 * Cell size in pixels from a window size: `floor(xpixel / cols) × floor(ypixel / rows)` (a border
 * around the text area, like xterm's 2 px, does not change the floor for ordinary fonts), or null
 * when the pixel fields are 0 or the result is not a plausible cell.
 *
 * @example
 * ```ts
 * cellSizeFromWindow({ rows: 40, cols: 100, xpixel: 604, ypixel: 524 }); // { width: 6, height: 13 }
 * ```
 */
export function cellSizeFromWindow(size: WindowSize | null): { width: number; height: number } | null {
  if (size === null || size.cols <= 0 || size.rows <= 0 || size.xpixel <= 0 || size.ypixel <= 0) return null;
  const width = Math.floor(size.xpixel / size.cols), height = Math.floor(size.ypixel / size.rows);
  return width >= 1 && height >= 1 ? { width, height } : null;
}
