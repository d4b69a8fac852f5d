import assert from "node:assert/strict";
import {
  cellSizeFromWindow,
  type Ioctl,
  parseWinsize,
  readWindowSize,
  TIOCGWINSZ,
  type WindowSize,
} from "../../tui/term/winsize.ts";

/** `struct winsize` bytes, little-endian (the host order of every platform tty86 runs FFI on). */
function winsize(rows: number, cols: number, xpixel: number, ypixel: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  [rows, cols, xpixel, ypixel].forEach((v, i) => view.setUint16(i * 2, v, true));
  return bytes;
}

/** A fake ioctl: per fd, the struct it fills in (or a failing return code), recording the calls. */
function fakeIoctl(
  answers: Record<number, Uint8Array | number | Error>,
): { ioctl: Ioctl; calls: number[][] } {
  const calls: number[][] = [];
  const ioctl: Ioctl = (fd, request, buffer) => {
    calls.push([fd, request]);
    const answer = answers[fd] ?? -1;
    if (answer instanceof Error) throw answer;
    if (typeof answer === "number") return answer;
    buffer.set(answer);
    return 0;
  };
  return { ioctl, calls };
}

Deno.test("winsize: struct winsize is four unsigned shorts rows, cols, xpixel, ypixel", () => {
  const xterm: WindowSize = { rows: 40, cols: 100, xpixel: 604, ypixel: 524 };
  assert.deepEqual(parseWinsize(winsize(40, 100, 604, 524), true), xterm);
  assert.deepEqual(
    parseWinsize(Uint8Array.of(0, 40, 0, 100, 2, 0x5c, 2, 0x0c), false),
    xterm,
    "big-endian host",
  );
  assert.deepEqual(parseWinsize(winsize(65535, 1, 0, 0), true), {
    rows: 65535,
    cols: 1,
    xpixel: 0,
    ypixel: 0,
  });
  assert.throws(() => parseWinsize(new Uint8Array(6)), RangeError);
});

Deno.test("winsize: read asks stdout first with TIOCGWINSZ, then stdin", () => {
  const { ioctl, calls } = fakeIoctl({ 1: winsize(40, 100, 604, 524) });
  assert.deepEqual(readWindowSize(ioctl), { rows: 40, cols: 100, xpixel: 604, ypixel: 524 });
  assert.deepEqual(calls, [[1, TIOCGWINSZ]]);
  assert.equal(TIOCGWINSZ, 0x5413);

  const redirected = fakeIoctl({ 1: -1, 0: winsize(24, 80, 0, 0) });
  assert.deepEqual(readWindowSize(redirected.ioctl), { rows: 24, cols: 80, xpixel: 0, ypixel: 0 });
  assert.deepEqual(redirected.calls, [[1, TIOCGWINSZ], [0, TIOCGWINSZ]]);
});

Deno.test("winsize: no tty, an empty size, a throwing ioctl or no FFI give null", () => {
  assert.equal(readWindowSize(fakeIoctl({}).ioctl), null, "ENOTTY on both");
  assert.equal(
    readWindowSize(fakeIoctl({ 1: winsize(0, 0, 0, 0), 0: -1 }).ioctl),
    null,
    "0×0 (a pipe's pty)",
  );
  assert.equal(readWindowSize(fakeIoctl({ 1: new Error("FFI call failed") }).ioctl), null);
  assert.equal(readWindowSize(null), null);
});

Deno.test("winsize: cell size is the text area over the cells, floored (xterm's 2 px border)", () => {
  // xterm, 6x13 font ("fixed"), 100×40 cells: 2 px internal border on each side.
  assert.deepEqual(cellSizeFromWindow({ rows: 40, cols: 100, xpixel: 604, ypixel: 524 }), {
    width: 6,
    height: 13,
  });
  // 9x15 font, 80×24.
  assert.deepEqual(cellSizeFromWindow({ rows: 24, cols: 80, xpixel: 724, ypixel: 364 }), {
    width: 9,
    height: 15,
  });
  assert.equal(cellSizeFromWindow({ rows: 40, cols: 100, xpixel: 0, ypixel: 0 }), null, "pixels unknown");
  assert.equal(cellSizeFromWindow({ rows: 40, cols: 100, xpixel: 604, ypixel: 0 }), null);
  assert.equal(cellSizeFromWindow({ rows: 40, cols: 100, xpixel: 50, ypixel: 30 }), null, "below one pixel");
  assert.equal(cellSizeFromWindow(null), null);
});

Deno.test("winsize: the real tty (when there is one) reads without throwing", () => {
  const size = readWindowSize();
  if (size !== null) assert.ok(size.rows > 0 && size.cols > 0);
});
