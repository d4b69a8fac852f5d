/**
 * US keyboard translation: set-1 scancode plus shift state → the (scan code,
 * character) word the BIOS stores in its keyboard buffer.
 *
 * Conventions in the stored words: grey cursor keys carry E0h as their
 * character; keypad Enter and keypad / carry E0h as their scan code; Alt
 * combinations that only enhanced keyboards produce, but that reuse an old
 * scan code, carry F0h as their character (INT 16h's legacy functions drop
 * those, the extended ones turn F0h into 00h).
 */
import { KF0_ALT, KF0_CAPS, KF0_CTRL, KF0_LSHIFT, KF0_NUM, KF0_RSHIFT } from "./bda.ts";

/** Marker character for enhanced-only Alt combinations on old scan codes. */
export const ENHANCED_ONLY = 0xF0;
/** Marker character for the grey (E0-prefixed) navigation keys. */
export const GREY_KEY = 0xE0;

const NONE = -1;

/** Printable keys: scancode → [unshifted, shifted] characters. */
const PRINTABLE = new Map<number, string>();
function rowOfKeys(first: number, normal: string, shifted: string): void {
  for (let i = 0; i < normal.length; i++) PRINTABLE.set(first + i, normal[i] + shifted[i]);
}
rowOfKeys(0x02, "1234567890-=", "!@#$%^&*()_+");
rowOfKeys(0x10, "qwertyuiop[]", "QWERTYUIOP{}");
rowOfKeys(0x1E, "asdfghjkl;'`", 'ASDFGHJKL:"~');
rowOfKeys(0x2B, "\\zxcvbnm,./", "|ZXCVBNM<>?");
rowOfKeys(0x56, "\\", "|");

/** Ctrl with a non-letter printable key: only these produce a control character. */
const CTRL_SPECIAL = new Map<number, number>([
  [0x03, 0x0300], // Ctrl-2 → NUL
  [0x07, 0x071E], // Ctrl-6 → RS
  [0x0C, 0x0C1F], // Ctrl-- → US
  [0x1A, 0x1A1B], // Ctrl-[ → ESC
  [0x1B, 0x1B1D], // Ctrl-] → GS
  [0x2B, 0x2B1C], // Ctrl-\ → FS
]);

/** Keypad keys 47h–53h: the digit or symbol they type with Num Lock. */
const KEYPAD_CHAR = "789-456+1230.";
/** Ctrl with keypad keys 47h–53h: the scan code stored. */
const KEYPAD_CTRL = [0x77, 0x8D, 0x84, 0x8E, 0x73, 0x8F, 0x74, 0x90, 0x75, 0x91, 0x76, 0x92, 0x93];
/** Alt with the grey navigation keys (E0 47h–53h): the scan code stored (0 = none). */
const GREY_ALT = [0x97, 0x98, 0x99, 0, 0x9B, 0, 0x9D, 0, 0x9F, 0xA0, 0xA1, 0xA2, 0xA3];

function word(scan: number, ch: number): number {
  return ((scan & 0xFF) << 8) | (ch & 0xFF);
}

function functionKey(scan: number, shift: boolean, ctrl: boolean, alt: boolean): number {
  if (scan >= 0x3B && scan <= 0x44) {
    const n = scan - 0x3B;
    return word(alt ? 0x68 + n : ctrl ? 0x5E + n : shift ? 0x54 + n : scan, 0);
  }
  const n = scan - 0x57; // F11, F12
  return word(alt ? 0x8B + n : ctrl ? 0x89 + n : shift ? 0x87 + n : 0x85 + n, 0);
}

function keypadKey(scan: number, grey: boolean, flags: number, shift: boolean): number {
  const i = scan - 0x47;
  const ctrl = (flags & KF0_CTRL) !== 0;
  const alt = (flags & KF0_ALT) !== 0;
  if (scan === 0x4A || scan === 0x4E) {
    const ch = KEYPAD_CHAR.charCodeAt(i);
    return alt ? word(scan, ENHANCED_ONLY) : ctrl ? word(KEYPAD_CTRL[i], 0) : word(scan, ch);
  }
  if (grey) {
    if (alt) return GREY_ALT[i] === 0 ? NONE : word(GREY_ALT[i], 0);
    return word(ctrl ? KEYPAD_CTRL[i] : scan, GREY_KEY);
  }
  if (alt) return NONE; // Alt+keypad digits are typed as a decimal code by the IRQ handler
  if (ctrl) return word(KEYPAD_CTRL[i], 0);
  const digits = ((flags & KF0_NUM) !== 0) !== shift;
  if (digits) return word(scan, KEYPAD_CHAR.charCodeAt(i));
  return scan === 0x4C ? word(0x4C, ENHANCED_ONLY) : word(scan, 0);
}

/**
 * The buffer word for key `scan` (make code without E0) pressed with shift state `flags`
 * (0040:0017), or −1 if the combination types nothing. `grey` = the key came with an E0 prefix.
 */
export function translateKey(scan: number, grey: boolean, flags: number): number {
  const shift = (flags & (KF0_LSHIFT | KF0_RSHIFT)) !== 0;
  const ctrl = (flags & KF0_CTRL) !== 0;
  const alt = (flags & KF0_ALT) !== 0;
  if ((scan >= 0x3B && scan <= 0x44) || scan === 0x57 || scan === 0x58) {
    return functionKey(scan, shift, ctrl, alt);
  }
  if (scan >= 0x47 && scan <= 0x53) return keypadKey(scan, grey, flags, shift);
  switch (scan) {
    case 0x01:
      return word(0x01, alt ? ENHANCED_ONLY : 0x1B);
    case 0x0E:
      return word(0x0E, alt ? ENHANCED_ONLY : ctrl ? 0x7F : 0x08);
    case 0x0F:
      return alt ? word(0xA5, 0) : ctrl ? word(0x94, 0) : word(0x0F, shift ? 0 : 0x09);
    case 0x1C:
      if (grey) return alt ? word(0xA6, 0) : word(GREY_KEY, ctrl ? 0x0A : 0x0D);
      return word(0x1C, alt ? ENHANCED_ONLY : ctrl ? 0x0A : 0x0D);
    case 0x35:
      if (grey) return alt ? word(0xA4, 0) : ctrl ? word(0x95, 0) : word(GREY_KEY, 0x2F);
      break;
    case 0x37:
      return alt ? word(0x37, ENHANCED_ONLY) : ctrl ? word(0x96, 0) : word(0x37, 0x2A);
    case 0x39:
      return word(0x39, 0x20);
  }
  const chars = PRINTABLE.get(scan);
  if (chars === undefined) return NONE;
  const lower = chars.charCodeAt(0);
  const isLetter = lower >= 0x61 && lower <= 0x7A;
  if (alt) {
    if (isLetter) return word(scan, 0);
    if (scan >= 0x02 && scan <= 0x0D) return word(scan + 0x76, 0); // Alt-1 … Alt-= → 78h–83h
    return word(scan, ENHANCED_ONLY);
  }
  if (ctrl) {
    if (isLetter) return word(scan, lower - 0x60);
    return CTRL_SPECIAL.get(scan) ?? NONE;
  }
  const upper = isLetter && (flags & KF0_CAPS) !== 0 ? !shift : shift;
  return word(scan, chars.charCodeAt(upper ? 1 : 0));
}

/** Decimal digit of a keypad key for Alt+keypad character entry, or −1. */
export function keypadDigit(scan: number): number {
  if (scan < 0x47 || scan > 0x52 || scan === 0x4A || scan === 0x4E) return -1;
  return KEYPAD_CHAR.charCodeAt(scan - 0x47) - 0x30;
}
