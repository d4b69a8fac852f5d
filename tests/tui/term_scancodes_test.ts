import assert from "node:assert/strict";
import { Mod } from "../../tui/term/keys.ts";
import { KeyTranslator, needsShift, scancodeOf } from "../../tui/term/scancodes.ts";
import { fakeScheduler, RecordingKeyboard } from "./term_test_helpers.ts";

function setup(): { keyboard: RecordingKeyboard; translator: KeyTranslator; tick: (ms: number) => void } {
  const { clock, scheduler } = fakeScheduler();
  const keyboard = new RecordingKeyboard();
  const translator = new KeyTranslator(keyboard, scheduler, { tapMs: 90, repeatHoldMs: 140 });
  return { keyboard, translator, tick: (ms) => clock.tick(ms) };
}

Deno.test("scancodes: US layout table", () => {
  assert.equal(scancodeOf("a"), 0x1e);
  assert.equal(scancodeOf("A"), 0x1e);
  assert.equal(needsShift("A"), true);
  assert.equal(needsShift("a"), false);
  assert.equal(scancodeOf("!"), 0x02);
  assert.equal(needsShift("!"), true);
  assert.equal(scancodeOf("\\"), 0x2b);
  assert.equal(scancodeOf("`"), 0x29);
  assert.equal(scancodeOf("~"), 0x29);
  assert.equal(scancodeOf(" "), 0x39);
  assert.equal(scancodeOf("F10"), 0x44);
  assert.equal(scancodeOf("F11"), 0x57);
  assert.equal(scancodeOf("Up"), 0xe048);
  assert.equal(scancodeOf("KPEnter"), 0xe01c);
  assert.equal(scancodeOf("Pause"), 0xe11d45);
  assert.equal(scancodeOf("é"), 0);
});

Deno.test("scancodes: 'A' from a legacy terminal is LShift make, A make, A break, LShift break", () => {
  const { keyboard, translator, tick } = setup();
  translator.key("A", true, 0, false);
  assert.equal(keyboard.take(), "2A 1E");
  tick(90);
  assert.equal(keyboard.take(), "9E AA");
});

Deno.test("scancodes: Up is E0 48 then E0 C8", () => {
  const { keyboard, translator, tick } = setup();
  translator.key("Up", true, 0, false);
  tick(100);
  assert.equal(keyboard.take(), "E0 48 E0 C8");
});

Deno.test("scancodes: Ctrl-C from a control byte is wrapped in LCtrl", () => {
  const { keyboard, translator, tick } = setup();
  translator.key("c", true, Mod.Ctrl, false);
  tick(100);
  assert.equal(keyboard.take(), "1D 2E AE 9D");
});

Deno.test("scancodes: F10 and keypad keys", () => {
  const { keyboard, translator, tick } = setup();
  translator.key("F10", true, 0, false);
  tick(100);
  assert.equal(keyboard.take(), "44 C4");
  translator.key("KP7", true, 0, false);
  tick(100);
  assert.equal(keyboard.take(), "47 C7");
  translator.key("KPEnter", true, 0, false);
  tick(100);
  assert.equal(keyboard.take(), "E0 1C E0 9C");
});

Deno.test("scancodes: Alt-x and Ctrl-Alt-Delete wrap in every flagged modifier", () => {
  const { keyboard, translator, tick } = setup();
  translator.key("x", true, Mod.Alt, false);
  tick(100);
  assert.equal(keyboard.take(), "38 2D AD B8");
  translator.key("Delete", true, Mod.Ctrl | Mod.Alt, false);
  tick(100);
  assert.equal(keyboard.take(), "1D 38 E0 53 E0 D3 B8 9D");
});

Deno.test("scancodes: auto-repeat keeps a legacy key down, released shortly after the last repeat", () => {
  const { keyboard, translator, tick } = setup();
  translator.key("Right", true, 0, false);
  tick(60);
  for (let i = 0; i < 5; i++) {
    translator.key("Right", true, 0, false);
    tick(33);
  }
  assert.equal(keyboard.take(), "E0 4D E0 4D E0 4D E0 4D E0 4D E0 4D", "typematic makes, no break");
  tick(140);
  assert.equal(keyboard.take(), "E0 CD");
});

Deno.test("scancodes: fast typing loses no characters and a synthesized Shift never leaks", () => {
  const { keyboard, translator, tick } = setup();
  translator.key("A", true, 0, false);
  tick(20);
  translator.key("b", true, 0, false); // different wrapping: A (with its Shift) goes up first
  tick(20);
  translator.key("c", true, 0, false); // same wrapping: rollover, like a real keyboard
  tick(200);
  assert.equal(keyboard.take(), "2A 1E 9E AA 30 2E B0 AE");
});

Deno.test("scancodes: kitty protocol releases are real and modifier keys are not wrapped again", () => {
  const { keyboard, translator, tick } = setup();
  translator.key("ShiftLeft", true, Mod.Shift, true);
  translator.key("a", true, Mod.Shift, true);
  tick(1000);
  assert.equal(keyboard.take(), "2A 1E", "no synthesized release");
  translator.key("a", true, Mod.Shift, true); // repeat
  translator.key("a", false, Mod.Shift, true);
  translator.key("ShiftLeft", false, 0, true);
  assert.equal(keyboard.take(), "1E 9E AA");
});

Deno.test("scancodes: type() makes and breaks at once (paste)", () => {
  const { keyboard, translator } = setup();
  translator.type("A");
  translator.type("Enter");
  assert.equal(keyboard.take(), "2A 1E 9E AA 1C 9C");
});

Deno.test("scancodes: releaseAll lets go of everything held", () => {
  const { keyboard, translator } = setup();
  translator.key("Left", true, Mod.Ctrl, false);
  translator.key("z", true, 0, true);
  translator.releaseAll();
  assert.equal(keyboard.take(), "1D E0 4B 2C AC E0 CB 9D");
  assert.equal(translator.heldKeys, 0);
});
