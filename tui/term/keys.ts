/**
 * Parser events → key events: legacy xterm / VT220 / rxvt / Linux console encodings and the kitty
 * keyboard protocol (`CSI code ; mods : event u`, with real releases).
 *
 * Key names: a printable character is the key itself (`"a"`, `"A"`, `"!"`, `" "`); other keys have
 * names: `Escape Enter Tab Backspace Insert Delete Home End PageUp PageDown Up Down Left Right F1…F12
 * KP0…KP9 KPDecimal KPDivide KPMultiply KPSubtract KPAdd KPEnter KPEqual KPBegin CapsLock NumLock
 * ScrollLock PrintScreen Pause Menu ShiftLeft ShiftRight ControlLeft ControlRight AltLeft AltRight
 * MetaLeft MetaRight`. A legacy Ctrl-letter is the lower-case letter with {@link Mod.Ctrl}.
 *
 * @example
 * ```ts
 * const decoder = new KeyDecoder({ key: (k, down, mods) => console.log(k, down, mods), ... });
 * new InputParser(decoder).parse(bytes); // "\x1b[1;5A" → key("Up", true, Mod.Ctrl, false)
 * ```
 * @module
 */

import type { Params, ParserHandler } from "./parser.ts";

/** Modifier bits of {@link KeyEvent.mods} (the xterm / kitty encoding minus one). */
export const Mod = {
  Shift: 1,
  Alt: 2,
  Ctrl: 4,
  Super: 8,
  Hyper: 16,
  Meta: 32,
  CapsLock: 64,
  NumLock: 128,
} as const;

/** One key press or release, as a plain object (for consumers that keep events). */
export interface KeyEvent {
  key: string;
  pressed: boolean;
  mods: number;
}

/** Where decoded input goes. Called synchronously from the parser; nothing is allocated per byte. */
export interface KeySink {
  /**
   * A key went down (`pressed`, also for auto-repeat) or up. `releaseReported` on a press says the
   * terminal will report this key's release; when false the consumer must synthesize it.
   */
  key(key: string, pressed: boolean, mods: number, releaseReported: boolean): void;
  /** One character of bracketed-paste text (a code point; `\r`, `\n`, `\t` included). */
  pasteChar(codePoint: number): void;
  /** A bracketed paste starts (`true`) or ends (`false`). */
  pasteBoundary(start: boolean): void;
  /** A cursor position report (`CSI row ; col R`) that was announced with `expectCursorReport()`. */
  cursorReport?(row: number, col: number): void;
}

/** Interned one-character key names for ASCII, so printable keys allocate nothing. */
const ASCII_KEYS: readonly string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

/** Legacy C0 control bytes → key name; all but Backspace, Tab, Enter and Escape imply Ctrl. */
const CONTROL_KEYS: readonly string[] = Array.from({ length: 0x20 }, (_, code) => {
  switch (code) {
    case 0x00:
      return " "; // Ctrl-Space / Ctrl-@
    case 0x08:
      return "Backspace";
    case 0x09:
      return "Tab";
    case 0x0d:
      return "Enter";
    case 0x1b:
      return "Escape";
    case 0x1c:
      return "\\";
    case 0x1d:
      return "]";
    case 0x1e:
      return "6"; // Ctrl-^ is Ctrl-6 on a PC
    case 0x1f:
      return "-"; // Ctrl-_ is Ctrl-minus on a PC
    default:
      return ASCII_KEYS[code + 0x60]; // 0x01 → "a" ... 0x1a → "z"
  }
});
const CONTROL_MODS: Uint8Array = Uint8Array.from(
  CONTROL_KEYS,
  (key) => key.length > 1 ? 0 : Mod.Ctrl,
);

/** `CSI n ~` numbers (VT220, xterm, rxvt). */
const TILDE_KEYS: ReadonlyMap<number, string> = new Map([
  [1, "Home"],
  [2, "Insert"],
  [3, "Delete"],
  [4, "End"],
  [5, "PageUp"],
  [6, "PageDown"],
  [7, "Home"],
  [8, "End"],
  [11, "F1"],
  [12, "F2"],
  [13, "F3"],
  [14, "F4"],
  [15, "F5"],
  [17, "F6"],
  [18, "F7"],
  [19, "F8"],
  [20, "F9"],
  [21, "F10"],
  [23, "F11"],
  [24, "F12"],
  [29, "Menu"],
]);

/** `CSI [1;m] X` finals (xterm cursor and function keys). */
const CSI_LETTER_KEYS: ReadonlyMap<number, string> = new Map([
  [0x41, "Up"],
  [0x42, "Down"],
  [0x43, "Right"],
  [0x44, "Left"],
  [0x45, "KPBegin"],
  [0x46, "End"],
  [0x48, "Home"],
  [0x50, "F1"],
  [0x51, "F2"],
  [0x52, "F3"],
  [0x53, "F4"],
]);

/** `ESC O X` finals: cursor keys in application mode, F1–F4, the keypad in application mode. */
const SS3_KEYS: ReadonlyMap<number, string> = new Map([
  ...CSI_LETTER_KEYS,
  [0x4d, "KPEnter"], // M
  [0x58, "KPEqual"], // X
  [0x6a, "KPMultiply"], // j
  [0x6b, "KPAdd"], // k
  [0x6c, "KPDecimal"], // l (separator)
  [0x6d, "KPSubtract"], // m
  [0x6e, "KPDecimal"], // n
  [0x6f, "KPDivide"], // o
  ...Array.from({ length: 10 }, (_, i) => [0x70 + i, `KP${i}`] as [number, string]), // p..y
]);

/** rxvt: `CSI a..d` are Shift-arrows, `ESC O a..d` Ctrl-arrows. */
const RXVT_ARROWS: readonly string[] = ["Up", "Down", "Right", "Left"];

/** Kitty keyboard protocol codes for keys without a Unicode character. */
const KITTY_KEYS: ReadonlyMap<number, string> = new Map([
  [9, "Tab"],
  [13, "Enter"],
  [27, "Escape"],
  [127, "Backspace"],
  [57358, "CapsLock"],
  [57359, "ScrollLock"],
  [57360, "NumLock"],
  [57361, "PrintScreen"],
  [57362, "Pause"],
  [57363, "Menu"],
  ...Array.from({ length: 10 }, (_, i) => [57399 + i, `KP${i}`] as [number, string]),
  [57409, "KPDecimal"],
  [57410, "KPDivide"],
  [57411, "KPMultiply"],
  [57412, "KPSubtract"],
  [57413, "KPAdd"],
  [57414, "KPEnter"],
  [57415, "KPEqual"],
  [57416, "KPDecimal"],
  // Keypad keys with NumLock off act as the grey navigation keys.
  [57417, "Left"],
  [57418, "Right"],
  [57419, "Up"],
  [57420, "Down"],
  [57421, "PageUp"],
  [57422, "PageDown"],
  [57423, "Home"],
  [57424, "End"],
  [57425, "Insert"],
  [57426, "Delete"],
  [57427, "KPBegin"],
  [57441, "ShiftLeft"],
  [57442, "ControlLeft"],
  [57443, "AltLeft"],
  [57444, "MetaLeft"],
  [57447, "ShiftRight"],
  [57448, "ControlRight"],
  [57449, "AltRight"],
  [57450, "MetaRight"],
]);

/** Kitty event types in the `mods:event` sub-parameter. */
const KITTY_RELEASE = 3;

/**
 * Turns {@link InputParser} events into key events for a {@link KeySink}.
 *
 * @example
 * ```ts
 * const decoder = new KeyDecoder(sink);
 * decoder.releasesReported = true; // after pushing kitty keyboard flags that include 2
 * const parser = new InputParser(decoder);
 * ```
 */
export class KeyDecoder implements ParserHandler {
  /** Set when the kitty keyboard protocol with event reporting (flag 2) is active. */
  releasesReported = false;
  private pasting = false;
  private linuxFunctionKey = false;
  private pendingCursorReports = 0;

  constructor(private readonly sink: KeySink) {}

  /** True inside a bracketed paste. */
  get inPaste(): boolean {
    return this.pasting;
  }

  /** The next `CSI row ; col R` is a reply to our `CSI 6 n`, not Shift-F3 (they look alike). */
  expectCursorReport(): void {
    this.pendingCursorReports++;
  }

  print(codePoint: number): void {
    if (this.pasting) {
      this.sink.pasteChar(codePoint);
      return;
    }
    if (this.linuxFunctionKey) {
      this.linuxFunctionKey = false;
      if (codePoint >= 0x41 && codePoint <= 0x45) { // Linux console: CSI [ A..E = F1..F5
        this.legacy(`F${codePoint - 0x40}`, 0);
        return;
      }
    }
    this.legacy(codePoint < 0x80 ? ASCII_KEYS[codePoint] : String.fromCodePoint(codePoint), 0);
  }

  execute(code: number): void {
    this.linuxFunctionKey = false;
    if (this.pasting) {
      if (code === 0x0d || code === 0x0a || code === 0x09) this.sink.pasteChar(code);
      return;
    }
    if (code === 0x7f) this.legacy("Backspace", 0);
    else if (code < 0x20) this.legacy(CONTROL_KEYS[code], CONTROL_MODS[code]);
  }

  escDispatch(collected: number, final: number): void {
    this.linuxFunctionKey = false;
    if (this.pasting) return;
    // From a keyboard, ESC x is Alt + x. Intermediates (ESC SP x) are Alt + SP, then x.
    for (let shift = 16; shift >= 0; shift -= 8) {
      const intermediate = collected >> shift & 0xff;
      if (intermediate !== 0) this.legacy(ASCII_KEYS[intermediate], Mod.Alt);
    }
    if (collected !== 0) {
      this.legacy(ASCII_KEYS[final], 0);
    } else if (final === 0x7f) {
      this.legacy("Backspace", Mod.Alt);
    } else if (final < 0x20) {
      this.legacy(CONTROL_KEYS[final], CONTROL_MODS[final] | Mod.Alt);
    } else if (final < 0x80) {
      this.legacy(ASCII_KEYS[final], Mod.Alt);
    }
  }

  csiDispatch(params: Params, collected: number, final: number): void {
    this.linuxFunctionKey = false;
    if (final === 0x7e && collected === 0) { // ~
      const number = params.get(0, 0);
      if (number === 200 || number === 201) {
        this.pasting = number === 200;
        this.sink.pasteBoundary(this.pasting);
        return;
      }
    }
    if (this.pasting || collected !== 0) {
      if (collected === 0x3f && final === 0x52) this.takeCursorReport(params); // DECXCPR CSI ? r ; c R
      return; // other replies (DA, DECRQM, kitty flags) are the probe's business
    }
    if (final === 0x52 && this.pendingCursorReports > 0 && params.length === 2) {
      this.takeCursorReport(params);
      return;
    }
    const mods = params.get(1, 1) - 1;
    const event = params.sub(1, 1, 1);
    let key: string | undefined;
    switch (final) {
      case 0x75: // u: kitty keyboard protocol
        key = kittyKeyName(params.get(0, 0));
        break;
      case 0x7e: { // ~
        const number = params.get(0, 0);
        if (number === 27) { // xterm modifyOtherKeys: CSI 27 ; mods ; code ~
          const code = params.get(2, 0);
          if (code > 0) this.emit(kittyKeyName(code), mods, 1);
          return;
        }
        key = TILDE_KEYS.get(number) ?? (number >= 57344 ? KITTY_KEYS.get(number) : undefined);
        break;
      }
      case 0x5e: // ^ rxvt Ctrl + key
      case 0x40: // @ rxvt Ctrl-Shift + key
        key = TILDE_KEYS.get(params.get(0, 0));
        if (key !== undefined) this.emit(key, final === 0x5e ? Mod.Ctrl : Mod.Ctrl | Mod.Shift, 1);
        return;
      case 0x24: // $ never arrives as a final (it is an intermediate byte): rxvt Shift keys unsupported
        return;
      case 0x5a: // Z: back-tab
        this.emit("Tab", Mod.Shift | (mods > 0 ? mods : 0), event);
        return;
      case 0x5b: // [: Linux console function key prefix, the letter follows
        this.linuxFunctionKey = true;
        return;
      default:
        if (final >= 0x61 && final <= 0x64) { // rxvt Shift-arrows
          this.emit(RXVT_ARROWS[final - 0x61], Mod.Shift, 1);
          return;
        }
        key = CSI_LETTER_KEYS.get(final);
    }
    if (key !== undefined) this.emit(key, mods, event);
  }

  ss3Dispatch(params: Params, final: number): void {
    this.linuxFunctionKey = false;
    if (this.pasting) return;
    // Some terminals put a modifier digit after ESC O (ESC O 5 A).
    const mods = params.length > 0 ? Math.max(0, params.get(params.length - 1, 1) - 1) : 0;
    if (final >= 0x61 && final <= 0x64) {
      this.legacy(RXVT_ARROWS[final - 0x61], Mod.Ctrl);
      return;
    }
    const key = SS3_KEYS.get(final);
    if (key !== undefined) this.legacy(key, mods);
  }

  dcsDispatch(): void {}

  stringDispatch(): void {}

  private takeCursorReport(params: Params): void {
    if (this.pendingCursorReports > 0) this.pendingCursorReports--;
    this.sink.cursorReport?.(params.get(0, 1), params.get(1, 1));
  }

  /** A key from a plain byte or a sequence without event types: press only. */
  private legacy(key: string, mods: number): void {
    this.sink.key(key, true, mods, false);
  }

  /** A key from a CSI sequence, which carries kitty event types when enabled. */
  private emit(key: string | undefined, mods: number, event: number): void {
    if (key === undefined) return;
    if (event === KITTY_RELEASE) this.sink.key(key, false, mods, true);
    else this.sink.key(key, true, mods, this.releasesReported);
  }
}

/** Kitty key code → key name: a character, or a named functional key. */
function kittyKeyName(code: number): string | undefined {
  const named = KITTY_KEYS.get(code);
  if (named !== undefined) return named;
  if (code >= 0x20 && code < 0x7f) return ASCII_KEYS[code];
  if (code >= 0xa0 && code < 57344) return String.fromCodePoint(code);
  return undefined;
}
