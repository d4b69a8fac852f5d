/**
 * Key events → PC scancode set 1 (US layout), fed to the machine's {@link KeyboardInput}.
 *
 * A character that needs Shift is wrapped in LShift make/break unless Shift is already held; a key
 * whose event only carries a Ctrl/Alt/Shift flag (legacy terminals never report modifier keys) is
 * wrapped the same way in LCtrl/LAlt/LShift.
 *
 * Releases for legacy terminals (which report presses only) are synthesized with a hold scheme:
 * - a first press is released `tapMs` later (default 90 ms): long enough for a game polling once per
 *   frame (70 Hz) or per timer tick (55 ms) to see the key down, short enough that a tap of an arrow
 *   does not overshoot;
 * - another press of a key still held is the terminal's auto-repeat: it is sent as a typematic make
 *   and the release moves to `repeatHoldMs` (default 140 ms) after it — longer than a terminal's repeat
 *   interval (30–50 ms) plus SSH jitter, so a held key stays down in the guest while repeats keep coming
 *   and goes up soon after they stop;
 * - every press is a make, so typing never loses characters, even when the same letter is typed twice
 *   within the hold time (the guest sees a typematic repeat, which the BIOS turns into a character).
 * A new key whose Shift/Ctrl/Alt wrapping differs from that of keys still held first releases them, so
 * a synthesized Shift for `A` never leaks into a following `b`.
 *
 * @example
 * ```ts
 * const translator = new KeyTranslator(machine.keyboard);
 * translator.key("A", true, 0, false); // 2A 1E now; 9E AA after 90 ms
 * ```
 * @module
 */

import type { KeyboardInput } from "../../core/devices/keyboard_input.ts";
import { Mod } from "./keys.ts";

/** Timers and a clock; inject a fake one in tests. */
export interface Scheduler {
  now(): number;
  /** Returns an opaque handle for {@link clearTimeout}. */
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock and timers. */
export const systemScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as number),
};

const NEEDS_SHIFT = 0x1000000;

/** Key name → make code, with {@link NEEDS_SHIFT} set for characters typed with Shift (US layout). */
const KEY_CODES: ReadonlyMap<string, number> = buildKeyCodes();

function buildKeyCodes(): Map<string, number> {
  const codes = new Map<string, number>();
  const row = (unshifted: string, shifted: string, firstCode: number): void => {
    for (let i = 0; i < unshifted.length; i++) {
      codes.set(unshifted[i], firstCode + i);
      codes.set(shifted[i], (firstCode + i) | NEEDS_SHIFT);
    }
  };
  row("1234567890-=", "!@#$%^&*()_+", 0x02);
  row("qwertyuiop[]", "QWERTYUIOP{}", 0x10);
  row("asdfghjkl;'`", 'ASDFGHJKL:"~', 0x1e);
  row("\\zxcvbnm,./", "|ZXCVBNM<>?", 0x2b);
  codes.set(" ", 0x39);
  const named: [string, number][] = [
    ["Escape", 0x01],
    ["Backspace", 0x0e],
    ["Tab", 0x0f],
    ["Enter", 0x1c],
    ["ControlLeft", 0x1d],
    ["ShiftLeft", 0x2a],
    ["ShiftRight", 0x36],
    ["KPMultiply", 0x37],
    ["AltLeft", 0x38],
    ["CapsLock", 0x3a],
    ["NumLock", 0x45],
    ["ScrollLock", 0x46],
    ["KP7", 0x47],
    ["KP8", 0x48],
    ["KP9", 0x49],
    ["KPSubtract", 0x4a],
    ["KP4", 0x4b],
    ["KP5", 0x4c],
    ["KPBegin", 0x4c],
    ["KP6", 0x4d],
    ["KPAdd", 0x4e],
    ["KP1", 0x4f],
    ["KP2", 0x50],
    ["KP3", 0x51],
    ["KP0", 0x52],
    ["KPDecimal", 0x53],
    ["KPEqual", 0x0d], // no such PC key: the main-row "="
    ["F11", 0x57],
    ["F12", 0x58],
    ["KPEnter", 0xe01c],
    ["ControlRight", 0xe01d],
    ["KPDivide", 0xe035],
    ["PrintScreen", 0xe037],
    ["AltRight", 0xe038],
    ["Home", 0xe047],
    ["Up", 0xe048],
    ["PageUp", 0xe049],
    ["Left", 0xe04b],
    ["Right", 0xe04d],
    ["End", 0xe04f],
    ["Down", 0xe050],
    ["PageDown", 0xe051],
    ["Insert", 0xe052],
    ["Delete", 0xe053],
    ["MetaLeft", 0xe05b],
    ["MetaRight", 0xe05c],
    ["Menu", 0xe05d],
    ["Pause", 0xe11d45],
  ];
  for (let f = 1; f <= 10; f++) named.push([`F${f}`, 0x3a + f]);
  for (const [name, code] of named) codes.set(name, code);
  return codes;
}

/**
 * The set-1 make code for a key name (0 when the key has no PC equivalent) and whether the character
 * needs Shift on a US keyboard.
 *
 * @example
 * ```ts
 * scancodeOf("a") === 0x1e; needsShift("A") === true; scancodeOf("Up") === 0xe048;
 * ```
 */
export function scancodeOf(key: string): number {
  return (KEY_CODES.get(key) ?? 0) & ~NEEDS_SHIFT;
}

/** Whether a character is typed with Shift on a US keyboard ("A", "!", ...). */
export function needsShift(key: string): boolean {
  return ((KEY_CODES.get(key) ?? 0) & NEEDS_SHIFT) !== 0;
}

// Modifier wrapping: one bit per modifier we may synthesize, with the left-hand key's scancode.
const WRAP_BITS = [Mod.Shift, Mod.Ctrl, Mod.Alt] as const;
const WRAP_CODES = [0x2a, 0x1d, 0x38] as const;

/** Which modifier bit a physical modifier key holds (0 for other keys). */
function modifierBitOf(key: string): number {
  switch (key) {
    case "ShiftLeft":
    case "ShiftRight":
      return Mod.Shift;
    case "ControlLeft":
    case "ControlRight":
      return Mod.Ctrl;
    case "AltLeft":
    case "AltRight":
      return Mod.Alt;
    default:
      return 0;
  }
}

/** Slot of a make code in the held-key tables. */
function slotOf(code: number): number {
  if (code < 0x100) return code;
  if (code > 0xffff) return 0xff; // Pause
  return 0x80 | (code & 0x7f);
}

/** Timing of synthesized releases (see the module comment). */
export interface KeyTranslatorOptions {
  /** How long a first press stays down when the terminal reports no release. */
  tapMs?: number;
  /** How long a key stays down after its last auto-repeat press. */
  repeatHoldMs?: number;
}

/**
 * Feeds key events to a {@link KeyboardInput} as set-1 make/break codes and synthesizes releases for
 * terminals that report none.
 *
 * @example
 * ```ts
 * const translator = new KeyTranslator(keyboard, systemScheduler);
 * decoderSink.key = (key, pressed, mods, releaseReported) =>
 *   translator.key(key, pressed, mods, releaseReported);
 * ```
 */
export class KeyTranslator {
  private readonly tapMs: number;
  private readonly repeatHoldMs: number;
  /** Make code held in each slot (0 = free). */
  private readonly heldCode = new Int32Array(256);
  /** Synthesized-release deadline per slot; 0 = the terminal will report the release. */
  private readonly deadline = new Float64Array(256);
  /** Modifier bits synthesized around the key in each slot. */
  private readonly wraps = new Uint8Array(256);
  /** Slots currently held, in press order. */
  private readonly heldSlots = new Uint8Array(256);
  private heldCount = 0;
  /** How many held keys use each synthesized modifier ({@link WRAP_BITS} order). */
  private readonly wrapCount = new Int32Array(3);
  /** Physical modifier keys down (kitty protocol reports them), per side. */
  private physicalShift = 0;
  private physicalCtrl = 0;
  private physicalAlt = 0;
  private timer: unknown = undefined;
  private timerDue = Infinity;
  private readonly onTimer = (): void => this.releaseDue();

  constructor(
    private readonly keyboard: KeyboardInput,
    private readonly scheduler: Scheduler = systemScheduler,
    options: KeyTranslatorOptions = {},
  ) {
    this.tapMs = options.tapMs ?? 90;
    this.repeatHoldMs = options.repeatHoldMs ?? 140;
  }

  /** A decoded key event (see {@link KeySink.key}). Keys with no PC equivalent are dropped. */
  key(key: string, pressed: boolean, mods: number, releaseReported: boolean): void {
    const code = scancodeOf(key);
    if (code === 0) return;
    const modifierBit = modifierBitOf(key);
    if (modifierBit !== 0 && releaseReported) {
      this.physicalModifier(key, modifierBit, pressed);
      this.keyboard.keyEvent(code, pressed);
      return;
    }
    const slot = slotOf(code);
    if (!pressed) {
      if (this.heldCode[slot] === code) this.release(slot);
      return;
    }
    const wraps = this.wrapsFor(key, mods);
    if (this.heldCode[slot] === code && this.wraps[slot] === wraps) {
      // Auto-repeat of a key still down: a typematic make, and hold it a little longer.
      this.keyboard.keyEvent(code, true);
      if (!releaseReported) this.setDeadline(slot, this.scheduler.now() + this.repeatHoldMs);
      return;
    }
    if (this.heldCode[slot] !== 0) this.release(slot);
    if (!releaseReported && !this.syntheticWrapsMatch(wraps)) this.releaseSynthetic();
    this.press(slot, code, wraps);
    if (!releaseReported) this.setDeadline(slot, this.scheduler.now() + this.tapMs);
  }

  /** Types one key at once, make then break (for paste): `"A"` → 2A 1E 9E AA. */
  type(key: string, mods = 0): void {
    const code = scancodeOf(key);
    if (code === 0) return;
    this.releaseSynthetic();
    const slot = slotOf(code);
    if (this.heldCode[slot] !== 0) this.release(slot);
    this.press(slot, code, this.wrapsFor(key, mods));
    this.release(slot);
  }

  /** Releases every key held (before pause, snapshot or quit, or when the terminal loses focus). */
  releaseAll(): void {
    while (this.heldCount > 0) this.release(this.heldSlots[this.heldCount - 1]);
    for (const [bit, code] of [[Mod.Shift, 0x2a], [Mod.Ctrl, 0x1d], [Mod.Alt, 0x38]] as const) {
      if (this.physicalBits() & bit) this.keyboard.keyEvent(code, false);
    }
    this.physicalShift = this.physicalCtrl = this.physicalAlt = 0;
    this.cancelTimer();
  }

  /** Stops the release timer. */
  dispose(): void {
    this.cancelTimer();
  }

  /** Number of keys currently held down in the guest (for tests and status). */
  get heldKeys(): number {
    return this.heldCount;
  }

  private physicalModifier(key: string, bit: number, pressed: boolean): void {
    const side = key.endsWith("Left") ? 1 : 2;
    const update = (held: number): number => pressed ? held | side : held & ~side;
    if (bit === Mod.Shift) this.physicalShift = update(this.physicalShift);
    else if (bit === Mod.Ctrl) this.physicalCtrl = update(this.physicalCtrl);
    else this.physicalAlt = update(this.physicalAlt);
  }

  private physicalBits(): number {
    return (this.physicalShift ? Mod.Shift : 0) | (this.physicalCtrl ? Mod.Ctrl : 0) |
      (this.physicalAlt ? Mod.Alt : 0);
  }

  /** Modifiers to synthesize around `key`: those it needs that are not physically held. */
  private wrapsFor(key: string, mods: number): number {
    let wanted = mods & (Mod.Shift | Mod.Ctrl | Mod.Alt);
    if (needsShift(key)) wanted |= Mod.Shift;
    return wanted & ~this.physicalBits();
  }

  /** Whether the modifiers synthesized for keys with synthesized releases are exactly `wraps`. */
  private syntheticWrapsMatch(wraps: number): boolean {
    let held = -1;
    for (let i = 0; i < this.heldCount; i++) {
      const slot = this.heldSlots[i];
      if (this.deadline[slot] === 0) continue;
      if (held === -1) held = this.wraps[slot];
      else held |= this.wraps[slot];
    }
    return held === -1 || held === wraps;
  }

  private releaseSynthetic(): void {
    for (let i = this.heldCount - 1; i >= 0; i--) {
      const slot = this.heldSlots[i];
      if (this.deadline[slot] !== 0) this.release(slot);
    }
  }

  private press(slot: number, code: number, wraps: number): void {
    for (let m = 0; m < 3; m++) {
      if ((wraps & WRAP_BITS[m]) !== 0 && this.wrapCount[m]++ === 0) {
        this.keyboard.keyEvent(WRAP_CODES[m], true);
      }
    }
    this.keyboard.keyEvent(code, true);
    this.heldCode[slot] = code;
    this.wraps[slot] = wraps;
    this.deadline[slot] = 0;
    this.heldSlots[this.heldCount++] = slot;
  }

  private release(slot: number): void {
    const code = this.heldCode[slot];
    this.keyboard.keyEvent(code, false);
    const wraps = this.wraps[slot];
    for (let m = 2; m >= 0; m--) {
      if (
        (wraps & WRAP_BITS[m]) !== 0 && --this.wrapCount[m] === 0 &&
        (this.physicalBits() & WRAP_BITS[m]) === 0
      ) {
        this.keyboard.keyEvent(WRAP_CODES[m], false);
      }
    }
    this.heldCode[slot] = 0;
    this.wraps[slot] = 0;
    this.deadline[slot] = 0;
    for (let i = 0; i < this.heldCount; i++) {
      if (this.heldSlots[i] === slot) {
        this.heldSlots.copyWithin(i, i + 1, this.heldCount);
        this.heldCount--;
        break;
      }
    }
  }

  private setDeadline(slot: number, due: number): void {
    this.deadline[slot] = due;
    if (due < this.timerDue) this.arm(due);
  }

  private arm(due: number): void {
    this.cancelTimer();
    this.timerDue = due;
    this.timer = this.scheduler.setTimeout(this.onTimer, Math.max(1, due - this.scheduler.now()));
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  private releaseDue(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    const now = this.scheduler.now();
    let next = Infinity;
    for (let i = this.heldCount - 1; i >= 0; i--) {
      const slot = this.heldSlots[i];
      const due = this.deadline[slot];
      if (due === 0) continue;
      if (due <= now) this.release(slot);
      else if (due < next) next = due;
    }
    if (next !== Infinity) this.arm(next);
  }
}
