/**
 * US-layout text → set-1 scancode key events, for headless typing (`--type`)
 * and tests. "\r" and "\n" press Enter; uppercase letters and shifted symbols
 * are wrapped in Left Shift.
 */

/** One key event. */
export interface KeyStroke {
  readonly code: number;
  readonly pressed: boolean;
}

const LSHIFT = 0x2A;

/** char → [scancode, needs shift]. */
const KEYS = new Map<string, readonly [number, boolean]>();

function row(first: number, plain: string, shifted: string): void {
  for (let i = 0; i < plain.length; i++) {
    KEYS.set(plain[i], [first + i, false]);
    KEYS.set(shifted[i], [first + i, true]);
  }
}
row(0x02, "1234567890-=", "!@#$%^&*()_+");
row(0x10, "qwertyuiop[]", "QWERTYUIOP{}");
row(0x1E, "asdfghjkl;'`", 'ASDFGHJKL:"~');
row(0x2B, "\\zxcvbnm,./", "|ZXCVBNM<>?");
KEYS.set(" ", [0x39, false]);
KEYS.set("\r", [0x1C, false]);
KEYS.set("\n", [0x1C, false]);
KEYS.set("\t", [0x0F, false]);
KEYS.set("\b", [0x0E, false]);
KEYS.set("\x1b", [0x01, false]);

/** The scancode and shift need of one character, or undefined if a US keyboard cannot type it. */
export function keyForChar(ch: string): { code: number; shift: boolean } | undefined {
  const k = KEYS.get(ch);
  return k === undefined ? undefined : { code: k[0], shift: k[1] };
}

/** Key events that type `text`; throws on a character with no key. */
export function typingSequence(text: string): KeyStroke[] {
  const out: KeyStroke[] = [];
  for (const ch of text) {
    const k = keyForChar(ch);
    if (k === undefined) throw new RangeError(`cannot type ${JSON.stringify(ch)} on a US keyboard`);
    if (k.shift) out.push({ code: LSHIFT, pressed: true });
    out.push({ code: k.code, pressed: true }, { code: k.code, pressed: false });
    if (k.shift) out.push({ code: LSHIFT, pressed: false });
  }
  return out;
}
