import assert from "node:assert/strict";
import { KeyDecoder, type KeySink, Mod } from "../../tui/term/keys.ts";
import { InputParser } from "../../tui/term/parser.ts";

const { Shift, Alt, Ctrl } = Mod;

/** Decodes bytes to "key+mods down|up" strings ("~" marks a press whose release will be reported). */
function decode(input: string, releasesReported = false): string[] {
  const events: string[] = [];
  const sink: KeySink = {
    key: (key, pressed, mods, reported) =>
      events.push(
        `${key}${mods ? `+${mods}` : ""} ${pressed ? "down" : "up"}${pressed && reported ? "~" : ""}`,
      ),
    pasteChar: (codePoint) => events.push(`paste ${String.fromCodePoint(codePoint)}`),
    pasteBoundary: (start) => events.push(start ? "paste[" : "paste]"),
  };
  const decoder = new KeyDecoder(sink);
  decoder.releasesReported = releasesReported;
  const parser = new InputParser(decoder);
  parser.parse(new TextEncoder().encode(input));
  parser.flushPendingEscape();
  return events;
}

/** Sequences as real terminals send them → expected key events. */
const LEGACY: [string, string, string[]][] = [
  ["xterm", "\x1b[A", ["Up down"]],
  ["xterm", "\x1b[1;5A", [`Up+${Ctrl} down`]],
  ["xterm", "\x1b[1;2D", [`Left+${Shift} down`]],
  ["xterm", "\x1b[H", ["Home down"]],
  ["xterm", "\x1b[F", ["End down"]],
  ["xterm", "\x1b[2~", ["Insert down"]],
  ["xterm", "\x1b[3~", ["Delete down"]],
  ["xterm", "\x1b[5~", ["PageUp down"]],
  ["xterm", "\x1b[6;5~", [`PageDown+${Ctrl} down`]],
  ["xterm", "\x1bOP", ["F1 down"]],
  ["xterm", "\x1bOS", ["F4 down"]],
  ["xterm", "\x1b[1;2P", [`F1+${Shift} down`]],
  ["xterm", "\x1b[15~", ["F5 down"]],
  ["xterm", "\x1b[21~", ["F10 down"]],
  ["xterm", "\x1b[24;5~", [`F12+${Ctrl} down`]],
  ["xterm", "\x1b[Z", [`Tab+${Shift} down`]],
  ["xterm modifyOtherKeys", "\x1b[27;5;13~", [`Enter+${Ctrl} down`]],
  ["VT100 application cursor", "\x1bOA", ["Up down"]],
  ["VT100 application cursor", "\x1bOH", ["Home down"]],
  ["VT100 keypad application mode", "\x1bOp\x1bOy\x1bOM\x1bOk\x1bOm\x1bOj\x1bOo\x1bOn", [
    "KP0 down",
    "KP9 down",
    "KPEnter down",
    "KPAdd down",
    "KPSubtract down",
    "KPMultiply down",
    "KPDivide down",
    "KPDecimal down",
  ]],
  ["rxvt", "\x1b[11~", ["F1 down"]],
  ["rxvt", "\x1b[14~", ["F4 down"]],
  ["rxvt", "\x1b[7~\x1b[8~", ["Home down", "End down"]],
  ["rxvt", "\x1b[a", [`Up+${Shift} down`]],
  ["rxvt", "\x1bOd", [`Left+${Ctrl} down`]],
  ["rxvt", "\x1b[5^", [`PageUp+${Ctrl} down`]],
  ["linux console", "\x1b[[A\x1b[[E", ["F1 down", "F5 down"]],
  ["any", "a", ["a down"]],
  ["any", "A", ["A down"]],
  ["any", "\x01\x03\x1a", [`a+${Ctrl} down`, `c+${Ctrl} down`, `z+${Ctrl} down`]],
  ["any", "\x1d", [`]+${Ctrl} down`]],
  ["any", "\x00", [` +${Ctrl} down`]],
  ["any", "\x7f\x08", ["Backspace down", "Backspace down"]],
  ["any", "\t\r", ["Tab down", "Enter down"]],
  ["any", "\x1b", ["Escape down"]],
  ["any (Alt as ESC prefix)", "\x1bx", [`x+${Alt} down`]],
  ["any (Alt as ESC prefix)", "\x1b\x01", [`a+${Ctrl | Alt} down`]],
  ["any (Alt as ESC prefix)", "\x1b\r", [`Enter+${Alt} down`]],
  ["any (Alt as ESC prefix)", "\x1b\x7f", [`Backspace+${Alt} down`]],
  ["any", "é", ["é down"]],
  ["bracketed paste", "\x1b[200~a\r\x1b[201~b", ["paste[", "paste a", "paste \r", "paste]", "b down"]],
];

for (const [terminal, input, expected] of LEGACY) {
  Deno.test(`keys: ${terminal} ${JSON.stringify(input)}`, () => {
    assert.deepEqual(decode(input), expected);
  });
}

/** Kitty keyboard protocol with flags 1|2|8: presses, repeats, releases, modifier keys. */
const KITTY: [string, string, string[]][] = [
  ["letter press and release", "\x1b[97u\x1b[97;1:3u", ["a down~", "a up"]],
  ["repeat is another press", "\x1b[97;1:2u", ["a down~"]],
  ["shift + a reports the base key", "\x1b[57441;2u\x1b[97;2u\x1b[97;2:3u\x1b[57441;1:3u", [
    `ShiftLeft+${Shift} down~`,
    `a+${Shift} down~`,
    `a+${Shift} up`,
    "ShiftLeft up",
  ]],
  ["ctrl + c", "\x1b[99;5u", [`c+${Ctrl} down~`]],
  ["escape, enter, tab, backspace", "\x1b[27u\x1b[13u\x1b[9u\x1b[127u", [
    "Escape down~",
    "Enter down~",
    "Tab down~",
    "Backspace down~",
  ]],
  ["arrow release in legacy form", "\x1b[1;1:3A", ["Up up"]],
  ["F5 release", "\x1b[15;1:3~", ["F5 up"]],
  ["keypad keys", "\x1b[57399u\x1b[57414u\x1b[57417u", ["KP0 down~", "KPEnter down~", "Left down~"]],
  ["right control", "\x1b[57448;5u", [`ControlRight+${Ctrl} down~`]],
  ["alternate keys are ignored", "\x1b[97:65;2u", [`a+${Shift} down~`]],
];

for (const [name, input, expected] of KITTY) {
  Deno.test(`keys: kitty protocol ${name}`, () => {
    assert.deepEqual(decode(input, true), expected);
  });
}

Deno.test("keys: replies that reach the key layer are not keys", () => {
  assert.deepEqual(decode("\x1b[?62;c\x1b[?1u\x1b[?2026;2$y\x1b_Gi=31;OK\x1b\\"), []);
});

Deno.test("keys: an announced cursor report is not Shift-F3", () => {
  const reports: string[] = [];
  const keys: string[] = [];
  const decoder = new KeyDecoder({
    key: (key, _pressed, mods) => keys.push(`${key}+${mods}`),
    pasteChar: () => {},
    pasteBoundary: () => {},
    cursorReport: (row, col) => reports.push(`${row},${col}`),
  });
  const parser = new InputParser(decoder);
  decoder.expectCursorReport();
  parser.parse(new TextEncoder().encode("\x1b[12;40R\x1b[1;2R"));
  assert.deepEqual(reports, ["12,40"]);
  assert.deepEqual(keys, [`F3+${Shift}`]);
});
