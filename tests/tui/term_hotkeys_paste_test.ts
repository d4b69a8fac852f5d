import assert from "node:assert/strict";
import {
  HOTKEY_BINDINGS,
  type HotkeyCommand,
  hotkeyHelp,
  HotkeyPrefix,
  parsePrefix,
} from "../../tui/term/hotkeys.ts";
import { TerminalInput } from "../../tui/term/input.ts";
import { Mod } from "../../tui/term/keys.ts";
import { PasteQueue } from "../../tui/term/paste.ts";
import { fakeScheduler, RecordingKeyboard } from "./term_test_helpers.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function inputRig(prefix?: string) {
  const { clock, scheduler } = fakeScheduler();
  const keyboard = new RecordingKeyboard();
  const commands: HotkeyCommand[] = [];
  const notes: string[] = [];
  const input = new TerminalInput({
    keyboard,
    scheduler,
    prefix,
    onCommand: (command) => commands.push(command),
    onNote: (note) => notes.push(note),
  });
  return { clock, keyboard, commands, notes, input };
}

Deno.test("hotkeys: Ctrl-] then q is the quit command and reaches no guest key", () => {
  const { clock, keyboard, commands, input } = inputRig();
  input.feed(bytes("\x1dq"));
  clock.tick(500);
  assert.deepEqual(commands, ["quit"]);
  assert.equal(keyboard.take(), "");
});

Deno.test("hotkeys: every binding of the table is reachable and listed in the help", () => {
  const help = hotkeyHelp("Ctrl-]").join("\n");
  for (const binding of HOTKEY_BINDINGS) {
    const commands: HotkeyCommand[] = [];
    const hotkeys = new HotkeyPrefix((command) => commands.push(command));
    assert.ok(hotkeys.filter("]", true, Mod.Ctrl, false));
    assert.ok(hotkeys.filter(binding.key, true, 0, false));
    assert.deepEqual(commands, [binding.command]);
    assert.ok(help.includes(`${binding.label}`) && help.includes(binding.description));
  }
  assert.deepEqual(HOTKEY_BINDINGS.find((b) => b.key === "x")?.command, "reset");
  assert.deepEqual(HOTKEY_BINDINGS.find((b) => b.key === "r")?.command, "restore");
});

Deno.test("hotkeys: the prefix twice sends a literal Ctrl-] to the guest", () => {
  const { clock, keyboard, commands, input } = inputRig();
  input.feed(bytes("\x1d\x1d"));
  clock.tick(500);
  assert.deepEqual(commands, []);
  assert.equal(keyboard.take(), "1D 1B 9B 9D");
});

Deno.test("hotkeys: Esc or an unbound key after the prefix cancels; the next key goes to the guest", () => {
  const { clock, keyboard, commands, input } = inputRig();
  input.feed(bytes("\x1d"));
  input.feed(bytes("\x1b"));
  clock.tick(30); // the Escape key is recognised after the quiet time
  input.feed(bytes("a"));
  clock.tick(500);
  input.feed(bytes("\x1dZb"));
  clock.tick(500);
  assert.deepEqual(commands, []);
  assert.equal(keyboard.take(), "1E 9E 30 B0");
});

Deno.test("hotkeys: a configurable prefix (ctrl-a)", () => {
  assert.deepEqual(parsePrefix("ctrl-a"), { key: "a", mods: Mod.Ctrl, label: "Ctrl-a" });
  const { clock, keyboard, commands, input } = inputRig("ctrl-a");
  input.feed(bytes("\x01p\x1dx"));
  clock.tick(500);
  assert.deepEqual(commands, ["pause"]);
  assert.equal(keyboard.take(), "1D 1B 9B 9D 2D AD", "Ctrl-] is an ordinary key now");
});

Deno.test("hotkeys: with kitty releases the prefix key's release is swallowed too", () => {
  const commands: HotkeyCommand[] = [];
  const hotkeys = new HotkeyPrefix((command) => commands.push(command));
  assert.equal(hotkeys.filter("ControlLeft", true, Mod.Ctrl, true), false);
  assert.equal(hotkeys.filter("]", true, Mod.Ctrl, true), true);
  assert.equal(hotkeys.filter("]", false, Mod.Ctrl, true), true);
  assert.equal(hotkeys.filter("ControlLeft", false, 0, true), false);
  assert.equal(hotkeys.filter("i", true, 0, true), true);
  assert.equal(hotkeys.filter("i", false, 0, true), true);
  assert.equal(hotkeys.filter("i", true, 0, true), false);
  assert.deepEqual(commands, ["status"]);
});

Deno.test("paste: bracketed text is typed one key per interval, newlines as Enter", () => {
  const { clock, keyboard, input } = inputRig();
  input.feed(bytes("\x1b[200~Hi\r\n!\t\x1b[201~"));
  assert.equal(keyboard.take(), "2A 23 A3 AA", "first key at once");
  clock.tick(19);
  assert.equal(keyboard.take(), "");
  clock.tick(1);
  assert.equal(keyboard.take(), "17 97");
  clock.tick(20);
  assert.equal(keyboard.take(), "1C 9C", "CR LF is one Enter");
  clock.tick(40);
  assert.equal(keyboard.take(), "2A 02 82 AA 0F 8F");
  clock.tick(1000);
  assert.equal(keyboard.take(), "");
});

Deno.test("paste: the cap drops the excess and non-ASCII is dropped, both noted", () => {
  const typed: string[] = [];
  const paste = new PasteQueue((key) => typed.push(key), { capBytes: 4, intervalMs: 10 });
  paste.begin();
  for (const char of "abé€cdefg") paste.push(char.codePointAt(0)!);
  paste.end();
  assert.equal(paste.pending, 4);
  let now = 0;
  while (paste.pending > 0) {
    paste.pump(now);
    now += 10;
  }
  assert.deepEqual(typed, ["a", "b", "c", "d"]);
  const notes = paste.takeNotes();
  assert.equal(notes.length, 2);
  assert.ok(notes[0].includes("2 non-ASCII"));
  assert.ok(notes[1].includes("3 characters beyond 4"));
});

Deno.test("paste: pump types at most one key per interval", () => {
  const typed: string[] = [];
  const paste = new PasteQueue((key) => typed.push(key), { intervalMs: 20 });
  paste.begin();
  for (const char of "abc") paste.push(char.charCodeAt(0));
  paste.end();
  assert.equal(paste.pump(0), 1);
  assert.equal(paste.pump(5), 0);
  assert.equal(paste.pump(19), 0);
  assert.equal(paste.pump(20), 1);
  assert.equal(paste.dueIn(25), 15);
  assert.deepEqual(typed, ["a", "b"]);
});

Deno.test("input: the escape timeout turns a lone ESC into the Escape key, split sequences still work", () => {
  const { clock, keyboard, input } = inputRig();
  input.feed(bytes("\x1b"));
  input.feed(bytes("[A")); // arrived within the timeout: one sequence
  clock.tick(200);
  assert.equal(keyboard.take(), "E0 48 E0 C8");
  input.feed(bytes("\x1b"));
  clock.tick(29);
  assert.equal(keyboard.take(), "");
  clock.tick(1);
  assert.equal(keyboard.take(), "01");
});
