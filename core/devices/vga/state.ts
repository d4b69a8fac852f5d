/**
 * The VGA's snapshot state: every register, the DAC with its index/phase state,
 * the latches, the attribute flip-flop, the mode and the beam's phase. Video
 * memory itself is not included: the snapshot engine saves it through `vram`'s pages.
 */
import type { StateValue } from "../../state.ts";
import type { Vga } from "./vga.ts";

const VERSION = 1;

export function saveVgaState(vga: Vga): StateValue {
  const { seq, crtc, gc, ac, dac } = vga.regs;
  return {
    version: VERSION,
    mode: vga.mode,
    misc: vga.regs.misc,
    featureControl: vga.regs.featureControl,
    seqIndex: seq.index,
    seq: seq.regs.slice(),
    crtcIndex: crtc.index,
    crtc: crtc.regs.slice(),
    gcIndex: gc.index,
    gc: gc.regs.slice(),
    acIndex: ac.index,
    acPaletteSource: ac.paletteSource,
    acFlipFlop: ac.flipFlop,
    ac: ac.regs.slice(),
    dacRgb: dac.rgb.slice(),
    dacPelMask: dac.pelMask,
    dacWriteIndex: dac.writeIndex,
    dacReadIndex: dac.readIndex,
    dacPhase: dac.phase,
    dacMode: dac.mode,
    dacPending: dac.pending.slice(),
    latch: vga.memory.latch.slice(),
    retraceCount: vga.retraceCount,
    timingOrigin: vga.timing.origin,
    timingNextRetrace: vga.timing.nextRetrace,
  };
}

export function loadVgaState(vga: Vga, state: StateValue): void {
  if (state === null || typeof state !== "object" || Array.isArray(state) || ArrayBuffer.isView(state)) {
    throw new Error("VGA state: expected a record");
  }
  const s = state as { [key: string]: StateValue };
  const num = (key: string): number => {
    const v = s[key];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`VGA state: ${key} must be a number`);
    return v;
  };
  const bool = (key: string): boolean => {
    const v = s[key];
    if (typeof v !== "boolean") throw new Error(`VGA state: ${key} must be a boolean`);
    return v;
  };
  const bytes = (key: string, into: Uint8Array): void => {
    const v = s[key];
    if (!(v instanceof Uint8Array) || v.length !== into.length) {
      throw new Error(`VGA state: ${key} must be ${into.length} bytes`);
    }
    into.set(v);
  };
  if (num("version") !== VERSION) throw new Error(`VGA state: unsupported version ${s.version}`);
  const { seq, crtc, gc, ac, dac } = vga.regs;
  vga.mode = num("mode");
  vga.regs.misc = num("misc");
  vga.regs.featureControl = num("featureControl");
  seq.index = num("seqIndex");
  bytes("seq", seq.regs);
  crtc.index = num("crtcIndex");
  bytes("crtc", crtc.regs);
  gc.index = num("gcIndex");
  bytes("gc", gc.regs);
  ac.index = num("acIndex");
  ac.paletteSource = bool("acPaletteSource");
  ac.flipFlop = bool("acFlipFlop");
  bytes("ac", ac.regs);
  bytes("dacRgb", dac.rgb);
  dac.pelMask = num("dacPelMask");
  dac.writeIndex = num("dacWriteIndex");
  dac.readIndex = num("dacReadIndex");
  dac.phase = num("dacPhase");
  dac.mode = num("dacMode");
  bytes("dacPending", dac.pending);
  bytes("latch", vga.memory.latch);
  vga.retraceCount = num("retraceCount");
  vga.timing.restore(num("timingOrigin"), num("timingNextRetrace"));
  vga.memory.written = true;
}
