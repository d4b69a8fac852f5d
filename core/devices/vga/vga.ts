/**
 * The VGA: registers, 256 KiB of plane memory behind the A0000h–BFFFFh window,
 * retrace timing in emulated time, and the frames handed to the front end.
 *
 * @example
 * ```ts
 * const vga = new Vga(clock);
 * memory.mapMmio(0xA0000, 0x20000, vga);
 * io.register(VGA_PORTS, vga);
 * vga.setMode(0x03, true);
 * const frame = vga.takeFrame(); // a TextFrame of 80×25 cells
 * ```
 */
import type { IoDevice } from "../../io/io_bus.ts";
import type { MmioHandler, PagedMemory } from "../../memory/paged_memory.ts";
import type { Stateful, StateValue } from "../../state.ts";
import type { Clock, TimedDevice } from "../../time/timed_device.ts";
import type { Frame, FrameSource, GraphicsFrame, TextFrame } from "../../video/frame.ts";
import { CP437_8X16 } from "../../video/font/cp437_8x16.ts";
import { readVgaPort, writeVgaPort } from "./io.ts";
import { VideoMemory, VRAM_SIZE } from "./memory.ts";
import { fillDefaultPalette, type ModeInfo, MODES } from "./modes.ts";
import { VgaRegisters } from "./registers/index.ts";
import { type GraphicsGeometry, graphicsGeometry, renderGraphics } from "./render_graphics.ts";
import { renderTextCells, textUnderlineRow } from "./render_text.ts";
import { loadVgaState, saveVgaState } from "./state.ts";
import { RasterTiming } from "./timing.ts";

/** Byte order of typed-array words on this host (the text-mode clear writes plane pairs as words). */
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MutableCursor = Mutable<TextFrame["cursor"]>;
type MutableTextFrame = Mutable<Omit<TextFrame, "cursor">> & { cursor: MutableCursor };

/** Frames between cursor blink phase changes: the cursor blinks at 1/16 of the frame rate. */
export const CURSOR_BLINK_FRAMES = 8;
/** Frames between character blink phase changes: blinking text blinks at 1/32 of the frame rate. */
export const TEXT_BLINK_FRAMES = 16;

export class Vga implements IoDevice, MmioHandler, TimedDevice, FrameSource, Stateful {
  readonly regs = new VgaRegisters();
  readonly memory: VideoMemory;
  readonly timing: RasterTiming;
  /** Vertical retraces since power-on. */
  retraceCount = 0;
  /** Called at each vertical retrace start (from {@link advance}). */
  onRetrace: ((vga: Vga) => void) | null = null;
  /** The BIOS mode last set with {@link setMode}. */
  mode = 0x03;

  /** Something other than memory changed the picture: the next frame reports every line changed. */
  private fullChange = true;
  /** The DAC or the attribute palette changed: palettes are rebuilt at the next frame. */
  private paletteDirty = true;
  private paletteVersion = 0;

  private text: MutableTextFrame | null = null;
  private graphics: Mutable<GraphicsFrame> | null = null;
  private readonly geometry: GraphicsGeometry = { width: 0, height: 0, linesPerRow: 1, scanPerLine: 1 };
  /** 4-bit colour → DAC index through the attribute controller, rebuilt with the palette. */
  private readonly lut = new Uint8Array(16);
  /** 256 DAC colours as RGB 0–255, after the pel mask. */
  private readonly rgb = new Uint8Array(768);

  constructor(private readonly clock: Clock) {
    this.memory = new VideoMemory(this.regs);
    this.timing = new RasterTiming(clock, this.regs);
    this.setMode(0x03, true);
  }

  /** The plane memory, for snapshots (interleaved: plane p of offset o at `(o << 2) | p`). */
  get vram(): PagedMemory {
    return this.memory.vram;
  }

  // ---- CPU access -------------------------------------------------------

  in8(port: number): number {
    return readVgaPort(this, port);
  }

  out8(port: number, value: number): void {
    writeVgaPort(this, port, value & 0xFF);
  }

  mmioRead8(addr: number): number {
    return this.memory.read(addr);
  }

  mmioWrite8(addr: number, value: number): void {
    this.memory.write(addr, value & 0xFF);
  }

  /** Input status 1 (3BAh/3DAh) at the current cycle: bit 3 vertical retrace, bit 0 display disabled. */
  inputStatus1(): number {
    return this.timing.status(this.clock.now());
  }

  /** Registers that set the raster timing changed. */
  timingChanged(): void {
    this.timing.invalidate();
  }

  /** Registers that shape the picture changed: the next frame is reported fully changed. */
  pictureChanged(): void {
    this.fullChange = true;
  }

  /** DAC, pel mask or attribute controller changed. */
  paletteChanged(): void {
    this.paletteDirty = true;
    this.fullChange = true;
  }

  // ---- Time -------------------------------------------------------------

  nextEvent(): number {
    this.timing.rebase(this.clock.now());
    return Math.ceil(this.timing.nextRetrace);
  }

  advance(now: number): void {
    this.timing.rebase(now);
    while (now >= this.timing.nextRetrace) {
      this.timing.nextRetrace += this.timing.framePeriod;
      this.retraceCount++;
      this.onRetrace?.(this);
    }
  }

  // ---- Modes ------------------------------------------------------------

  /**
   * Programs every register for a standard BIOS mode, loads its default DAC
   * palette and (text modes) the 8×16 font into plane 2, and clears video memory
   * if `clear`. Returns false, changing nothing, for a mode this VGA does not have.
   */
  setMode(mode: number, clear: boolean): boolean {
    const m = MODES.get(mode);
    if (m === undefined) return false;
    const { seq, crtc, gc, ac, dac } = this.regs;
    this.mode = mode;
    this.regs.misc = m.misc;
    seq.regs.set(m.seq);
    crtc.regs[0x11] &= 0x7F; // lift write protection before loading CR00–CR07
    crtc.regs.set(m.crtc);
    gc.regs.set(m.gc);
    ac.regs.set(m.ac);
    ac.flipFlop = false;
    ac.paletteSource = true;
    ac.index = 0;
    dac.pelMask = 0xFF;
    dac.setWriteIndex(0);
    fillDefaultPalette(m.palette, dac.rgb);
    if (clear) this.clearMemory(m.info.text);
    if (m.info.text) this.loadFont(CP437_8X16, 16);
    this.timing.invalidate();
    this.timing.rebase(this.clock.now());
    this.paletteChanged();
    return true;
  }

  /** Size, kind and memory layout of the current mode, for the BIOS. */
  getModeInfo(): ModeInfo {
    return MODES.get(this.mode)!.info;
  }

  /**
   * Loads glyphs into character map 0 in plane 2 (32 bytes per character, as the
   * hardware reads them); `glyphs` holds 256 × `height` bytes.
   */
  loadFont(glyphs: Uint8Array, height: number): void {
    if (glyphs.length < 256 * height || height < 1 || height > 32) {
      throw new RangeError(`font must hold 256 glyphs of 1–32 rows, got ${glyphs.length} bytes × ${height}`);
    }
    // Character map 0 is offsets 0–8191 of plane 2, i.e. the first 32 KiB of interleaved vram.
    // Build those bytes beside the other planes and store them with one block write: the
    // same bytes as 8192 setPlaneByte calls, at a fraction of the cost on every mode set.
    const vram = this.memory.vram;
    const block = vram.bytes.slice(0, 256 * 32 * 4);
    for (let c = 0; c < 256; c++) {
      for (let row = 0; row < 32; row++) {
        block[((c * 32 + row) << 2) | 2] = row < height ? glyphs[c * height + row] : 0;
      }
    }
    vram.writeBlock(0, block);
    this.memory.written = true;
  }

  private clearMemory(text: boolean): void {
    const vram = this.memory.vram;
    if (!text) {
      vram.fill(0, VRAM_SIZE, 0);
    } else {
      // Text modes clear to spaces on light grey (planes 0/1) and keep plane 2 (the font) and
      // plane 3: the four planes of an offset are 4 bytes, planes 0/1 the first 16-bit half, so
      // storing every other half-word (no read, no mask: this runs cold at every start-up) does it.
      const block = vram.bytes.slice();
      const halves = new Uint16Array(block.buffer);
      const blank = littleEndian ? 0x0720 : 0x2007;
      for (let i = 0; i < halves.length; i += 2) halves[i] = blank;
      vram.writeBlock(0, block);
    }
    this.memory.written = true;
  }

  // ---- Frames -----------------------------------------------------------

  takeFrame(): Frame {
    const frame = this.regs.gc.graphicsMode ? this.takeGraphicsFrame() : this.takeTextFrame();
    this.memory.written = false;
    this.fullChange = false;
    this.paletteDirty = false;
    return frame;
  }

  private buildPalettes(): void {
    const { dac, ac } = this.regs;
    const mask = dac.pelMask;
    for (let i = 0; i < 256; i++) {
      const src = (i & mask) * 3;
      for (let c = 0; c < 3; c++) this.rgb[i * 3 + c] = Math.round((dac.rgb[src + c] * 255) / 63);
    }
    for (let i = 0; i < 16; i++) this.lut[i] = ac.dacIndex(i);
    this.paletteVersion++;
  }

  private takeTextFrame(): TextFrame {
    const { crtc, ac } = this.regs;
    const cols = Math.max(1, Math.min(256, crtc.displayedChars));
    const cellHeight = crtc.scanLinesPerRow;
    const rows = Math.max(
      1,
      Math.min(128, Math.floor(crtc.displayedLines / (crtc.doubleScan ? 2 : 1) / cellHeight)),
    );
    let f = this.text;
    if (f === null || f.cols !== cols || f.rows !== rows) {
      f = {
        kind: "text",
        mode: this.mode,
        cols,
        rows,
        cells: new Uint16Array(cols * rows),
        palette: new Uint8Array(48),
        cursor: { row: 0, col: 0, visible: false, startLine: 0, endLine: 0, cellHeight, blinkOn: true },
        blinkEnabled: true,
        blinkVisible: true,
        changedRows: new Uint8Array(rows),
        underlineRow: -1,
      };
      this.text = f;
      this.fullChange = true;
    }
    this.graphics = null;
    if (this.paletteDirty) this.buildPalettes();
    f.mode = this.mode;
    for (let i = 0; i < 16; i++) {
      const d = this.lut[i] * 3;
      f.palette[i * 3] = this.rgb[d];
      f.palette[i * 3 + 1] = this.rgb[d + 1];
      f.palette[i * 3 + 2] = this.rgb[d + 2];
    }
    f.changedRows.fill(0);
    if (this.memory.written || this.fullChange) {
      renderTextCells(this.regs, this.vram.bytes, f.cells, f.changedRows, cols, rows);
    }
    if (this.fullChange) f.changedRows.fill(1);
    f.blinkEnabled = ac.blinkEnabled;
    f.underlineRow = textUnderlineRow(this.regs);
    f.blinkVisible = Math.floor(this.retraceCount / TEXT_BLINK_FRAMES) % 2 === 0;
    const cursor = f.cursor;
    const offset = crtc.cursorLocation - crtc.startAddress;
    const pitch = Math.max(1, crtc.rowPitch);
    cursor.row = offset >= 0 ? Math.floor(offset / pitch) : -1;
    cursor.col = offset >= 0 ? offset % pitch : -1;
    cursor.startLine = crtc.cursorStart;
    cursor.endLine = crtc.cursorEnd;
    cursor.cellHeight = cellHeight;
    cursor.visible = !crtc.cursorDisabled && offset >= 0 && cursor.row < rows && cursor.col < cols &&
      crtc.cursorStart <= crtc.cursorEnd && crtc.cursorStart < cellHeight;
    cursor.blinkOn = Math.floor(this.retraceCount / CURSOR_BLINK_FRAMES) % 2 === 0;
    return f;
  }

  private takeGraphicsFrame(): GraphicsFrame {
    const g = this.geometry;
    graphicsGeometry(this.regs, g);
    let f = this.graphics;
    if (f === null || f.width !== g.width || f.height !== g.height) {
      f = {
        kind: "graphics",
        mode: this.mode,
        width: g.width,
        height: g.height,
        pixels: new Uint8Array(g.width * g.height),
        palette: new Uint8Array(768),
        colors: 256,
        paletteVersion: 0,
        changedLines: new Uint8Array(g.height),
        displayAspect: 4 / 3,
      };
      this.graphics = f;
      this.fullChange = true;
      this.paletteDirty = true;
    }
    this.text = null;
    if (this.paletteDirty) {
      this.buildPalettes();
      f.palette.set(this.rgb);
    }
    f.mode = this.mode;
    f.paletteVersion = this.paletteVersion;
    f.colors = this.colorCount();
    f.changedLines.fill(0);
    if (this.memory.written || this.fullChange) {
      renderGraphics(this.regs, this.vram.bytes, g, this.lut, f.pixels, f.changedLines);
    }
    if (this.fullChange) f.changedLines.fill(1);
    return f;
  }

  /** Palette entries the picture can use: 256 with 8-bit pixels, else up to the highest mapped index. */
  private colorCount(): number {
    if (this.regs.gc.shift256) return 256;
    let max = 0;
    for (let i = 0; i < 16; i++) max = Math.max(max, this.lut[i]);
    let n = 2;
    while (n <= max) n <<= 1;
    return n;
  }

  // ---- State ------------------------------------------------------------

  saveState(): StateValue {
    return saveVgaState(this);
  }

  loadState(state: StateValue): void {
    loadVgaState(this, state);
    this.text = null;
    this.graphics = null;
    this.paletteChanged();
  }
}
