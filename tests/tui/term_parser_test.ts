import assert from "node:assert/strict";
import { InputParser, MAX_STRING_BYTES, type Params, type ParserHandler } from "../../tui/term/parser.ts";

/** Records parser events as short strings. */
class Recorder implements ParserHandler {
  events: string[] = [];
  print(codePoint: number): void {
    this.events.push(`print ${String.fromCodePoint(codePoint)}`);
  }
  execute(code: number): void {
    this.events.push(`exec ${code.toString(16)}`);
  }
  escDispatch(collected: number, final: number): void {
    this.events.push(`esc ${collected.toString(16)} ${String.fromCharCode(final)}`);
  }
  csiDispatch(params: Params, collected: number, final: number): void {
    this.events.push(`csi ${collected.toString(16)} ${paramText(params)} ${String.fromCharCode(final)}`);
  }
  ss3Dispatch(params: Params, final: number): void {
    this.events.push(`ss3 ${paramText(params)} ${String.fromCharCode(final)}`);
  }
  dcsDispatch(params: Params, collected: number, final: number, data: Uint8Array, length: number): void {
    const text = new TextDecoder().decode(data.subarray(0, length));
    this.events.push(
      `dcs ${collected.toString(16)} ${paramText(params)} ${String.fromCharCode(final)} ${text}`,
    );
  }
  stringDispatch(kind: number, data: Uint8Array, length: number): void {
    this.events.push(
      `str ${String.fromCharCode(kind)} ${new TextDecoder().decode(data.subarray(0, length))}`,
    );
  }
}

/** Parameters as "1;5:3" (omitted values as empty). */
function paramText(params: Params): string {
  const parts: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const subs = [params.values[params.starts[i]]];
    for (let j = 1; j <= params.subCount(i); j++) subs.push(params.values[params.starts[i] + j]);
    parts.push(subs.map((v) => v < 0 ? "" : String(v)).join(":"));
  }
  return parts.join(";");
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function parseAll(input: Uint8Array, chunks?: number[]): string[] {
  const recorder = new Recorder();
  const parser = new InputParser(recorder);
  if (!chunks) {
    parser.parse(input);
  } else {
    let at = 0;
    for (const size of chunks) {
      parser.parse(input, at, Math.min(input.length, at + size));
      at += size;
    }
    parser.parse(input, Math.min(at, input.length));
  }
  return recorder.events;
}

/** A small deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const FAMILIES: [string, string, string[]][] = [
  ["printable ASCII", "ab", ["print a", "print b"]],
  ["C0 controls and DEL", "\x01\r\x7f", ["exec 1", "exec d", "exec 7f"]],
  ["CSI with parameters", "\x1b[1;5A", ["csi 0 1;5 A"]],
  ["CSI without parameters", "\x1b[A", ["csi 0  A"]],
  ["CSI with omitted parameters", "\x1b[;3H", ["csi 0 ;3 H"]],
  ["CSI with sub-parameters (kitty)", "\x1b[97;5:3u", ["csi 0 97;5:3 u"]],
  ["CSI with alternate keys", "\x1b[97:65:97;2u", ["csi 0 97:65:97;2 u"]],
  ["CSI with private marker", "\x1b[?62;4c", ["csi 3f 62;4 c"]],
  ["CSI with marker and intermediate", "\x1b[?2026;2$y", ["csi 3f24 2026;2 y"]],
  ["CSI tilde", "\x1b[15;2~", ["csi 0 15;2 ~"]],
  ["SS3", "\x1bOP", ["ss3  P"]],
  ["SS3 with modifier digit", "\x1bO5A", ["ss3 5 A"]],
  ["DCS with ST", "\x1bP1$r0m\x1b\\", ["dcs 24 1 r 0m"]],
  ["OSC ended by BEL", "\x1b]11;rgb:0/0/0\x07", ["str ] 11;rgb:0/0/0"]],
  ["OSC ended by ST", "\x1b]11;x\x1b\\", ["str ] 11;x"]],
  ["APC (kitty graphics reply)", "\x1b_Gi=31;OK\x1b\\", ["str _ Gi=31;OK"]],
  ["Alt + letter", "\x1bx", ["esc 0 x"]],
  ["Alt + Enter", "\x1b\r", ["esc 0 \r"]],
  ["Alt + Backspace", "\x1b\x7f", ["esc 0 \x7f"]],
  ["ESC ESC is Escape then a new sequence", "\x1b\x1b[A", ["exec 1b", "csi 0  A"]],
  ["UTF-8 of 2, 3 and 4 bytes", "é€😀", ["print é", "print €", "print 😀"]],
  ["invalid UTF-8 becomes U+FFFD", "\xff", ["print \ufffd"]],
  ["CAN aborts a sequence", "\x1b[1\x18a", ["exec 18", "print a"]],
  ["malformed CSI is dropped", "\x1b[1?2Ax", ["print x"]],
  ["string cut by ESC + other byte", "\x1b]abc\x1bx", ["str ] abc", "esc 0 x"]],
];

for (const [name, input, expected] of FAMILIES) {
  Deno.test(`parser: ${name}`, () => {
    const data = name.includes("invalid UTF-8") ? new Uint8Array([0xff]) : bytes(input);
    assert.deepEqual(parseAll(data), expected);
  });
}

Deno.test("parser: UTF-8 cut short by ASCII yields U+FFFD then the ASCII byte", () => {
  assert.deepEqual(parseAll(new Uint8Array([0xe2, 0x82, 0x41])), ["print \ufffd", "print A"]);
});

Deno.test("parser: byte-by-byte and random chunks give the same events as one chunk", () => {
  const corpus = bytes(FAMILIES.map(([, input]) => input).join("") + "tail");
  const whole = parseAll(corpus);
  assert.deepEqual(parseAll(corpus, Array(corpus.length).fill(1)), whole);
  const random = prng(7);
  for (let round = 0; round < 200; round++) {
    const chunks: number[] = [];
    for (let total = 0; total < corpus.length;) {
      const size = 1 + Math.floor(random() * 9);
      chunks.push(size);
      total += size;
    }
    assert.deepEqual(parseAll(corpus, chunks), whole);
  }
});

Deno.test("parser: thousands of random garbage inputs never throw and end usable", () => {
  const random = prng(42);
  const recorder = new Recorder();
  const parser = new InputParser(recorder);
  const garbage = new Uint8Array(256);
  for (let round = 0; round < 5000; round++) {
    const length = Math.floor(random() * garbage.length);
    for (let i = 0; i < length; i++) {
      // Bias towards the interesting bytes: ESC, [, digits, ;, :, finals, high bytes.
      const pick = random();
      garbage[i] = pick < 0.15
        ? 0x1b
        : pick < 0.25
        ? 0x5b
        : pick < 0.4
        ? 0x30 + Math.floor(random() * 12)
        : Math.floor(random() * 256);
    }
    parser.parse(garbage, 0, length);
    recorder.events.length = 0; // keep memory flat
  }
  parser.reset();
  parser.parse(bytes("\x1b[Bz"));
  assert.deepEqual(recorder.events, ["csi 0  B", "print z"]);
});

Deno.test("parser: a huge DCS is dropped whole without growing, and input continues after it", () => {
  const recorder = new Recorder();
  const parser = new InputParser(recorder);
  parser.parse(bytes("\x1bPq"));
  const block = new Uint8Array(1 << 20).fill(0x3f); // 1 MiB of sixel data, ten times
  for (let i = 0; i < 10; i++) parser.parse(block);
  assert.equal(parser.stateName, "dcs_passthrough");
  parser.parse(bytes("\x1b\\k"));
  assert.deepEqual(recorder.events, ["print k"]);
  assert.ok(MAX_STRING_BYTES <= 64 * 1024);
});

Deno.test("parser: a DCS that never ends is left by CAN", () => {
  const recorder = new Recorder();
  const parser = new InputParser(recorder);
  parser.parse(bytes("\x1bPqabc"));
  parser.parse(new Uint8Array(100_000).fill(0x41));
  parser.parse(bytes("\x18x"));
  assert.deepEqual(recorder.events, ["exec 18", "print x"]);
});

Deno.test("parser: a lone ESC is the Escape key once flushed; ESC [ alone is Alt-[", () => {
  const recorder = new Recorder();
  const parser = new InputParser(recorder);
  parser.parse(bytes("\x1b"));
  assert.ok(parser.hasPendingEscape());
  assert.deepEqual(recorder.events, []);
  assert.ok(parser.flushPendingEscape());
  assert.deepEqual(recorder.events, ["exec 1b"]);
  parser.parse(bytes("\x1b["));
  assert.ok(parser.flushPendingEscape());
  parser.parse(bytes("\x1b[1"));
  assert.equal(parser.hasPendingEscape(), false);
  assert.equal(parser.flushPendingEscape(), false);
  parser.parse(bytes("A"));
  assert.deepEqual(recorder.events, ["exec 1b", "esc 0 [", "csi 0 1 A"]);
});

Deno.test("parser: too many parameters keeps the first ones", () => {
  const many = Array.from({ length: 40 }, (_, i) => i).join(";");
  const [event] = parseAll(bytes(`\x1b[${many}m`));
  assert.ok(event.startsWith("csi 0 0;1;2;3"));
  assert.ok(event.endsWith("29;30;31 m"));
});

Deno.test("parser: parameter values saturate instead of overflowing", () => {
  assert.deepEqual(parseAll(bytes("\x1b[99999999999999A")), ["csi 0 2147483647 A"]);
});
