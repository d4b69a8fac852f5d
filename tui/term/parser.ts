/**
 * A table-driven parser for the bytes a terminal sends us (keys and query replies).
 *
 * It follows the DEC ANSI parser state diagram (ground, escape, CSI, DCS, OSC, SOS/PM/APC states),
 * adapted to input: 8-bit C1 controls do not exist (bytes >= 0x80 are UTF-8), `ESC O` starts an SS3
 * key sequence, a control byte or DEL after ESC is an Alt-modified key, and ESC ESC reports the first
 * ESC as the Escape key. Transitions live in one typed array indexed by `state << 8 | byte`, built once.
 * Parsing allocates nothing: parameters go to a preallocated {@link Params}, string payloads to a
 * bounded buffer, and events are method calls on a {@link ParserHandler}.
 *
 * @example
 * ```ts
 * const parser = new InputParser(handler);
 * parser.parse(new TextEncoder().encode("\x1b[1;5A")); // handler.csiDispatch(params [1,5], 0, 0x41)
 * ```
 * @module
 */

/** Most parameters kept per sequence (top-level and sub-parameters together); extra ones are dropped. */
export const MAX_PARAMS = 32;
/** Largest string payload (DCS, OSC, APC, PM, SOS) kept; a longer string is dropped whole. */
export const MAX_STRING_BYTES = 4096;
/** Parameter values saturate here instead of overflowing. */
const MAX_PARAM_VALUE = 0x7fffffff;

/** The string kinds passed to {@link ParserHandler.stringDispatch}: the byte that introduced them after ESC. */
export const StringKind = { OSC: 0x5d, SOS: 0x58, PM: 0x5e, APC: 0x5f } as const;

/**
 * Numeric parameters of one CSI, SS3 or DCS sequence, with `:` sub-parameters.
 *
 * Valid only during the handler call that receives it (it is reused for the next sequence).
 *
 * @example
 * ```ts
 * // CSI 97 ; 5 : 3 u  →  params.get(0, 1) === 97, params.get(1, 1) === 5, params.sub(1, 1, 1) === 3
 * ```
 */
export class Params {
  /** Every value in arrival order; -1 marks an omitted value. */
  readonly values: Int32Array = new Int32Array(MAX_PARAMS);
  /** Index in `values` where each top-level parameter starts. */
  readonly starts: Uint8Array = new Uint8Array(MAX_PARAMS);
  /** Number of entries used in `values`. */
  count = 0;
  /** Number of top-level parameters. */
  length = 0;

  /** Top-level parameter `index`, or `fallback` when absent or omitted. */
  get(index: number, fallback: number): number {
    if (index >= this.length) return fallback;
    const value = this.values[this.starts[index]];
    return value < 0 ? fallback : value;
  }

  /** Number of `:` sub-parameters after top-level parameter `index`. */
  subCount(index: number): number {
    if (index >= this.length) return 0;
    const end = index + 1 < this.length ? this.starts[index + 1] : this.count;
    return end - this.starts[index] - 1;
  }

  /** Sub-parameter `subIndex` (1-based: 1 is the first value after `:`) of parameter `index`. */
  sub(index: number, subIndex: number, fallback: number): number {
    if (subIndex > this.subCount(index)) return fallback;
    const value = this.values[this.starts[index] + subIndex];
    return value < 0 ? fallback : value;
  }

  /** Top-level values as a plain array (for tests and debugging; allocates). */
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.values[this.starts[i]]);
    return out;
  }
}

/**
 * Receives parser events. Arguments are valid only during the call: copy what you keep.
 * `collected` packs the private marker and intermediate bytes, first byte highest: `CSI ? 2026 $ y`
 * has collected `0x3f24`.
 */
export interface ParserHandler {
  /** A printable character in ground state (Unicode code point; U+FFFD for invalid UTF-8). */
  print(codePoint: number): void;
  /** A C0 control byte or DEL, and a lone ESC flushed by {@link InputParser.flushPendingEscape}. */
  execute(code: number): void;
  /** `ESC [intermediates] final`, which from a keyboard means Alt + key. */
  escDispatch(collected: number, final: number): void;
  csiDispatch(params: Params, collected: number, final: number): void;
  /** `ESC O [digits] final`: function keys, cursor keys in application mode, keypad. */
  ss3Dispatch(params: Params, final: number): void;
  /** A complete DCS string: header parameters, final byte and payload bytes `data[0..length)`. */
  dcsDispatch(params: Params, collected: number, final: number, data: Uint8Array, length: number): void;
  /** A complete OSC / SOS / PM / APC string ({@link StringKind}) with payload `data[0..length)`. */
  stringDispatch(kind: number, data: Uint8Array, length: number): void;
}

// States. SS3 and STRING_ESC are additions for input: SS3 key sequences carry a final byte after
// `ESC O`, and STRING_ESC holds the ESC that may begin the string terminator `ESC \`.
const GROUND = 0;
const ESCAPE = 1;
const ESCAPE_INTERMEDIATE = 2;
const CSI_ENTRY = 3;
const CSI_PARAM = 4;
const CSI_INTERMEDIATE = 5;
const CSI_IGNORE = 6;
const SS3 = 7;
const DCS_ENTRY = 8;
const DCS_PARAM = 9;
const DCS_INTERMEDIATE = 10;
const DCS_PASSTHROUGH = 11;
const DCS_IGNORE = 12;
const OSC_STRING = 13;
const SOS_PM_APC_STRING = 14;
const STRING_ESC = 15;
const STATE_COUNT = 16;

/** Parser state names, indexed by state number (for debugging and tests). */
export const STATE_NAMES: readonly string[] = [
  "ground",
  "escape",
  "escape_intermediate",
  "csi_entry",
  "csi_param",
  "csi_intermediate",
  "csi_ignore",
  "ss3",
  "dcs_entry",
  "dcs_param",
  "dcs_intermediate",
  "dcs_passthrough",
  "dcs_ignore",
  "osc_string",
  "sos_pm_apc_string",
  "string_esc",
];

// Actions.
const NONE = 0;
const PRINT = 1;
const UTF8 = 2;
const EXECUTE = 3;
const CLEAR = 4;
const COLLECT = 5;
const PARAM = 6;
const ESC_DISPATCH = 7;
const CSI_DISPATCH = 8;
const SS3_DISPATCH = 9;
const HOOK = 10;
const PUT = 11;
const STRING_START = 12;
const STRING_END = 13;
/** The ESC that ended a string was not followed by `\`: end the string, then treat the byte after ESC. */
const STRING_END_REPROCESS = 14;
/** ESC ESC inside a string: end the string and begin a new escape sequence. */
const STRING_END_ESCAPE = 15;
/** ESC while already in escape state: the first ESC was the Escape key. */
const ESCAPE_KEY_AGAIN = 16;

/** The transition table: entry = action << 8 | next state. */
const TABLE: Uint16Array = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(STATE_COUNT * 256);
  const set = (state: number, from: number, to: number, action: number, next: number): void => {
    for (let b = from; b <= to; b++) table[state << 8 | b] = action << 8 | next;
  };
  // Default: stay in the state, do nothing.
  for (let s = 0; s < STATE_COUNT; s++) set(s, 0x00, 0xff, NONE, s);

  // "Anywhere" rules for the non-string states: C0 controls execute, CAN/SUB abort, ESC restarts.
  for (const s of [GROUND, ESCAPE_INTERMEDIATE, CSI_ENTRY, CSI_PARAM, CSI_INTERMEDIATE, CSI_IGNORE, SS3]) {
    set(s, 0x00, 0x1f, EXECUTE, s);
    set(s, 0x18, 0x18, EXECUTE, GROUND);
    set(s, 0x1a, 0x1a, EXECUTE, GROUND);
    set(s, 0x1b, 0x1b, CLEAR, ESCAPE);
  }
  for (const s of [DCS_ENTRY, DCS_PARAM, DCS_INTERMEDIATE, DCS_IGNORE]) {
    set(s, 0x18, 0x18, EXECUTE, GROUND);
    set(s, 0x1a, 0x1a, EXECUTE, GROUND);
    set(s, 0x1b, 0x1b, CLEAR, ESCAPE);
  }

  // ground: printable ASCII, DEL is the Backspace key, bytes >= 0x80 are UTF-8.
  set(GROUND, 0x20, 0x7e, PRINT, GROUND);
  set(GROUND, 0x7f, 0x7f, EXECUTE, GROUND);
  set(GROUND, 0x80, 0xff, UTF8, GROUND);

  // escape: a control byte or DEL after ESC is Alt + that key; ESC ESC is Escape then a new ESC.
  set(ESCAPE, 0x00, 0x1f, ESC_DISPATCH, GROUND);
  set(ESCAPE, 0x18, 0x18, EXECUTE, GROUND);
  set(ESCAPE, 0x1a, 0x1a, EXECUTE, GROUND);
  set(ESCAPE, 0x1b, 0x1b, ESCAPE_KEY_AGAIN, ESCAPE);
  set(ESCAPE, 0x20, 0x2f, COLLECT, ESCAPE_INTERMEDIATE);
  set(ESCAPE, 0x30, 0x7f, ESC_DISPATCH, GROUND);
  set(ESCAPE, 0x4f, 0x4f, NONE, SS3); // O
  set(ESCAPE, 0x50, 0x50, NONE, DCS_ENTRY); // P
  set(ESCAPE, 0x5b, 0x5b, NONE, CSI_ENTRY); // [
  set(ESCAPE, 0x5d, 0x5d, STRING_START, OSC_STRING); // ]
  set(ESCAPE, 0x58, 0x58, STRING_START, SOS_PM_APC_STRING); // X
  set(ESCAPE, 0x5e, 0x5e, STRING_START, SOS_PM_APC_STRING); // ^
  set(ESCAPE, 0x5f, 0x5f, STRING_START, SOS_PM_APC_STRING); // _
  set(ESCAPE, 0x80, 0xff, UTF8, GROUND); // Alt + non-ASCII: keep the character, lose the Alt

  set(ESCAPE_INTERMEDIATE, 0x20, 0x2f, COLLECT, ESCAPE_INTERMEDIATE);
  set(ESCAPE_INTERMEDIATE, 0x30, 0x7e, ESC_DISPATCH, GROUND);
  set(ESCAPE_INTERMEDIATE, 0x80, 0xff, NONE, GROUND);

  set(CSI_ENTRY, 0x20, 0x2f, COLLECT, CSI_INTERMEDIATE);
  set(CSI_ENTRY, 0x30, 0x3b, PARAM, CSI_PARAM);
  set(CSI_ENTRY, 0x3c, 0x3f, COLLECT, CSI_PARAM);
  set(CSI_ENTRY, 0x40, 0x7e, CSI_DISPATCH, GROUND);
  set(CSI_ENTRY, 0x80, 0xff, NONE, CSI_IGNORE);

  set(CSI_PARAM, 0x20, 0x2f, COLLECT, CSI_INTERMEDIATE);
  set(CSI_PARAM, 0x30, 0x3b, PARAM, CSI_PARAM);
  set(CSI_PARAM, 0x3c, 0x3f, NONE, CSI_IGNORE);
  set(CSI_PARAM, 0x40, 0x7e, CSI_DISPATCH, GROUND);
  set(CSI_PARAM, 0x80, 0xff, NONE, CSI_IGNORE);

  set(CSI_INTERMEDIATE, 0x20, 0x2f, COLLECT, CSI_INTERMEDIATE);
  set(CSI_INTERMEDIATE, 0x30, 0x3f, NONE, CSI_IGNORE);
  set(CSI_INTERMEDIATE, 0x40, 0x7e, CSI_DISPATCH, GROUND);
  set(CSI_INTERMEDIATE, 0x80, 0xff, NONE, CSI_IGNORE);

  set(CSI_IGNORE, 0x40, 0x7e, NONE, GROUND);

  set(SS3, 0x20, 0x2f, NONE, GROUND);
  set(SS3, 0x30, 0x3b, PARAM, SS3);
  set(SS3, 0x3c, 0x3f, NONE, GROUND);
  set(SS3, 0x40, 0x7e, SS3_DISPATCH, GROUND);
  set(SS3, 0x80, 0xff, NONE, GROUND);

  set(DCS_ENTRY, 0x20, 0x2f, COLLECT, DCS_INTERMEDIATE);
  set(DCS_ENTRY, 0x30, 0x3b, PARAM, DCS_PARAM);
  set(DCS_ENTRY, 0x3c, 0x3f, COLLECT, DCS_PARAM);
  set(DCS_ENTRY, 0x40, 0x7e, HOOK, DCS_PASSTHROUGH);
  set(DCS_ENTRY, 0x80, 0xff, NONE, DCS_IGNORE);

  set(DCS_PARAM, 0x20, 0x2f, COLLECT, DCS_INTERMEDIATE);
  set(DCS_PARAM, 0x30, 0x3b, PARAM, DCS_PARAM);
  set(DCS_PARAM, 0x3c, 0x3f, NONE, DCS_IGNORE);
  set(DCS_PARAM, 0x40, 0x7e, HOOK, DCS_PASSTHROUGH);
  set(DCS_PARAM, 0x80, 0xff, NONE, DCS_IGNORE);

  set(DCS_INTERMEDIATE, 0x20, 0x2f, COLLECT, DCS_INTERMEDIATE);
  set(DCS_INTERMEDIATE, 0x30, 0x3f, NONE, DCS_IGNORE);
  set(DCS_INTERMEDIATE, 0x40, 0x7e, HOOK, DCS_PASSTHROUGH);
  set(DCS_INTERMEDIATE, 0x80, 0xff, NONE, DCS_IGNORE);

  // String bodies: payload bytes are kept (bounded); ESC may start the terminator; CAN/SUB abort.
  set(DCS_PASSTHROUGH, 0x00, 0xff, PUT, DCS_PASSTHROUGH);
  set(DCS_PASSTHROUGH, 0x7f, 0x7f, NONE, DCS_PASSTHROUGH);
  set(OSC_STRING, 0x20, 0xff, PUT, OSC_STRING);
  set(OSC_STRING, 0x7f, 0x7f, NONE, OSC_STRING);
  set(OSC_STRING, 0x07, 0x07, STRING_END, GROUND); // BEL ends an OSC (xterm)
  set(SOS_PM_APC_STRING, 0x20, 0xff, PUT, SOS_PM_APC_STRING);
  for (const s of [DCS_PASSTHROUGH, DCS_IGNORE, OSC_STRING, SOS_PM_APC_STRING]) {
    set(s, 0x18, 0x18, EXECUTE, GROUND);
    set(s, 0x1a, 0x1a, EXECUTE, GROUND);
    set(s, 0x1b, 0x1b, NONE, STRING_ESC);
  }
  set(STRING_ESC, 0x00, 0xff, STRING_END_REPROCESS, ESCAPE);
  set(STRING_ESC, 0x5c, 0x5c, STRING_END, GROUND); // ESC \ = ST
  set(STRING_ESC, 0x1b, 0x1b, STRING_END_ESCAPE, ESCAPE);
  set(STRING_ESC, 0x18, 0x18, EXECUTE, GROUND);
  set(STRING_ESC, 0x1a, 0x1a, EXECUTE, GROUND);
  return table;
}

/**
 * The input escape-sequence parser. Feed it raw bytes in chunks of any size; events come out in order
 * and identical whatever the chunking.
 *
 * @example
 * ```ts
 * const parser = new InputParser(handler);
 * parser.parse(chunk);
 * if (parser.hasPendingEscape()) setTimeout(() => parser.flushPendingEscape(), 30);
 * ```
 */
export class InputParser {
  private state = GROUND;
  private readonly params = new Params();
  private paramsFull = false;
  private collected = 0;
  private collectedFull = false;
  private dcsFinal = 0;
  /** Kind of the string being collected (a {@link StringKind} or 0x50 for DCS); 0 = none/ignored. */
  private stringKind = 0;
  private readonly payload = new Uint8Array(MAX_STRING_BYTES);
  private payloadLength = 0;
  private payloadOverflow = false;
  private utf8Need = 0;
  private utf8CodePoint = 0;
  private utf8Min = 0;

  constructor(private readonly handler: ParserHandler) {}

  /** Current state name (for tests and debugging). */
  get stateName(): string {
    return STATE_NAMES[this.state];
  }

  /** True between sequences: ground state with no partial UTF-8 character. */
  get idle(): boolean {
    return this.state === GROUND && this.utf8Need === 0;
  }

  /** Parses `data[start..end)`. */
  parse(data: Uint8Array, start = 0, end: number = data.length): void {
    const handler = this.handler;
    let state = this.state;
    for (let i = start; i < end; i++) {
      const byte = data[i];
      if (this.utf8Need !== 0 && (byte & 0xc0) !== 0x80) {
        // A UTF-8 character cut short by a non-continuation byte.
        this.utf8Need = 0;
        handler.print(0xfffd);
      }
      const entry = TABLE[state << 8 | byte];
      const next = entry & 0xff;
      switch (entry >> 8) {
        case NONE:
          break;
        case PRINT:
          handler.print(byte);
          break;
        case UTF8:
          this.utf8(byte);
          break;
        case EXECUTE:
          handler.execute(byte);
          break;
        case CLEAR:
          this.clear();
          break;
        case COLLECT:
          this.collect(byte);
          break;
        case PARAM:
          this.param(byte);
          break;
        case ESC_DISPATCH:
          if (!this.collectedFull) handler.escDispatch(this.collected, byte);
          break;
        case CSI_DISPATCH:
          if (!this.collectedFull) handler.csiDispatch(this.params, this.collected, byte);
          break;
        case SS3_DISPATCH:
          handler.ss3Dispatch(this.params, byte);
          break;
        case HOOK:
          this.dcsFinal = byte;
          this.stringKind = this.collectedFull ? 0 : 0x50;
          this.payloadLength = 0;
          this.payloadOverflow = false;
          break;
        case PUT:
          if (this.payloadLength < MAX_STRING_BYTES) this.payload[this.payloadLength++] = byte;
          else this.payloadOverflow = true;
          break;
        case STRING_START:
          this.stringKind = byte;
          this.payloadLength = 0;
          this.payloadOverflow = false;
          break;
        case STRING_END:
          this.endString();
          break;
        case STRING_END_REPROCESS:
          this.endString();
          this.clear();
          this.state = ESCAPE;
          state = ESCAPE;
          i--; // handle this byte again as the byte after ESC
          continue;
        case STRING_END_ESCAPE:
          this.endString();
          this.clear();
          break;
        case ESCAPE_KEY_AGAIN:
          handler.execute(0x1b);
          this.clear();
          break;
      }
      state = next;
      this.state = next;
    }
    this.state = state;
  }

  /**
   * True when the input stopped right after something a key press alone produces (a lone ESC, or
   * `ESC [`, `ESC O`, `ESC P`, `ESC ]`, ...): after a short quiet time it was a key, not a sequence.
   */
  hasPendingEscape(): boolean {
    switch (this.state) {
      case ESCAPE:
        return true;
      case ESCAPE_INTERMEDIATE:
        return this.collected < 0x100;
      case CSI_ENTRY:
      case SS3:
      case DCS_ENTRY:
        return this.params.count === 0 && this.collected === 0;
      case OSC_STRING:
      case SOS_PM_APC_STRING:
        return this.payloadLength === 0;
      default:
        return false;
    }
  }

  /**
   * Call after ~30 ms without input: a pending lone ESC becomes the Escape key (`execute(0x1b)`), and
   * `ESC x` left open (`ESC [`, `ESC O`, `ESC P`, `ESC ]`, `ESC SP`, ...) becomes Alt + x
   * (`escDispatch(0, x)`). Returns whether anything was flushed.
   */
  flushPendingEscape(): boolean {
    if (!this.hasPendingEscape()) return false;
    const state = this.state;
    this.state = GROUND;
    switch (state) {
      case ESCAPE:
        this.handler.execute(0x1b);
        break;
      case ESCAPE_INTERMEDIATE:
        this.handler.escDispatch(0, this.collected);
        break;
      case CSI_ENTRY:
        this.handler.escDispatch(0, 0x5b);
        break;
      case SS3:
        this.handler.escDispatch(0, 0x4f);
        break;
      case DCS_ENTRY:
        this.handler.escDispatch(0, 0x50);
        break;
      default:
        this.handler.escDispatch(0, this.stringKind);
        break;
    }
    this.stringKind = 0;
    return true;
  }

  /** Abandons any partial sequence and returns to ground. */
  reset(): void {
    this.state = GROUND;
    this.utf8Need = 0;
    this.clear();
  }

  private clear(): void {
    this.params.count = 0;
    this.params.length = 0;
    this.paramsFull = false;
    this.collected = 0;
    this.collectedFull = false;
    this.stringKind = 0;
  }

  private collect(byte: number): void {
    if (this.collected >= 0x10000) this.collectedFull = true; // more than 3 bytes: drop the sequence
    else this.collected = this.collected << 8 | byte;
  }

  private param(byte: number): void {
    const params = this.params;
    if (params.count === 0) this.openParam(false);
    if (this.paramsFull) return;
    if (byte === 0x3b) {
      this.openParam(false);
    } else if (byte === 0x3a) {
      this.openParam(true);
    } else {
      const slot = params.count - 1;
      const old = params.values[slot];
      const digit = byte - 0x30;
      params.values[slot] = old < 0
        ? digit
        : old > (MAX_PARAM_VALUE - digit) / 10
        ? MAX_PARAM_VALUE
        : old * 10 + digit;
    }
  }

  private openParam(isSub: boolean): void {
    const params = this.params;
    if (params.count >= MAX_PARAMS) {
      this.paramsFull = true;
      return;
    }
    if (!isSub) params.starts[params.length++] = params.count;
    params.values[params.count++] = -1;
  }

  private endString(): void {
    const kind = this.stringKind;
    this.stringKind = 0;
    if (kind === 0 || this.payloadOverflow) return; // ignored or too long: dropped whole
    if (kind === 0x50) {
      this.handler.dcsDispatch(this.params, this.collected, this.dcsFinal, this.payload, this.payloadLength);
    } else {
      this.handler.stringDispatch(kind, this.payload, this.payloadLength);
    }
  }

  private utf8(byte: number): void {
    if (this.utf8Need === 0) {
      if (byte >= 0xc2 && byte <= 0xdf) {
        this.utf8Need = 1;
        this.utf8CodePoint = byte & 0x1f;
        this.utf8Min = 0x80;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        this.utf8Need = 2;
        this.utf8CodePoint = byte & 0x0f;
        this.utf8Min = 0x800;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        this.utf8Need = 3;
        this.utf8CodePoint = byte & 0x07;
        this.utf8Min = 0x10000;
      } else {
        this.handler.print(0xfffd); // stray continuation byte or invalid lead byte
      }
      return;
    }
    const codePoint = this.utf8CodePoint << 6 | (byte & 0x3f);
    this.utf8CodePoint = codePoint;
    if (--this.utf8Need !== 0) return;
    const valid = codePoint >= this.utf8Min && codePoint <= 0x10ffff &&
      (codePoint < 0xd800 || codePoint > 0xdfff);
    this.handler.print(valid ? codePoint : 0xfffd);
  }
}
