/**
 * Scripted keyboard input for headless runs: `--type` text with escapes and `--key` names, turned
 * into key events and fed to the guest at a pace its keyboard handler keeps up with.
 *
 * @example
 * ```ts
 * const script = new KeyScript(keyStrokesFor([{ text: parseEscapes("dir\\r") }]), 0.01);
 * script.pump(machine.emulatedSeconds(), machine.keyboard);
 * ```
 */
import type { KeyboardInput } from "../../core/devices/keyboard_input.ts";
import { type KeyStroke, typingSequence } from "../../core/machine/typing.ts";
import { scancodeOf } from "../term/scancodes.ts";

/** One scripted input: text to type, or a named key to press and release. */
export type ScriptInput = { text: string } | { key: string };

const ESCAPES: Readonly<Record<string, string>> = {
  r: "\r",
  n: "\n",
  t: "\t",
  e: "\x1b",
  b: "\b",
  "\\": "\\",
};

/**
 * Expands `\r`, `\n`, `\t`, `\e` (Escape), `\b` (Backspace) and `\\`; any other backslash stays as is.
 *
 * @example
 * ```ts
 * parseEscapes("ver\\r"); // "ver\r"
 * ```
 */
export function parseEscapes(text: string): string {
  return text.replace(/\\(.)/g, (whole, ch: string) => ESCAPES[ch] ?? whole);
}

/** Short names accepted by `--key` besides the decoder's own (Up, F1, Escape, PageDown, ...). */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  esc: "Escape",
  return: "Enter",
  bs: "Backspace",
  del: "Delete",
  ins: "Insert",
  pgup: "PageUp",
  pgdn: "PageDown",
  space: " ",
};

/** The set-1 code of a key name such as `up`, `F1`, `esc`, `PageDown`; throws a one-line error if unknown. */
export function keyCodeByName(name: string): number {
  const candidates = [
    name,
    KEY_ALIASES[name.toLowerCase()] ?? "",
    name.charAt(0).toUpperCase() + name.slice(1).toLowerCase(),
    name.toUpperCase(),
  ];
  for (const candidate of candidates) {
    const code = candidate === "" ? 0 : scancodeOf(candidate);
    if (code !== 0) return code;
  }
  throw new Error(`unknown key name "${name}" (try up, down, left, right, esc, enter, tab, f1-f12, pgup)`);
}

/** Key events for a list of scripted inputs, in order. */
export function keyStrokesFor(inputs: readonly ScriptInput[]): KeyStroke[] {
  const out: KeyStroke[] = [];
  for (const input of inputs) {
    if ("text" in input) {
      out.push(...typingSequence(input.text));
    } else {
      const code = keyCodeByName(input.key);
      out.push({ code, pressed: true }, { code, pressed: false });
    }
  }
  return out;
}

/** Feeds key events to the guest one at a time, `interval` emulated seconds apart. */
export class KeyScript {
  private next = 0;
  private dueAt = -Infinity;

  constructor(private readonly strokes: readonly KeyStroke[], private readonly interval = 0.02) {}

  /** All events were sent. */
  get done(): boolean {
    return this.next >= this.strokes.length;
  }

  /** Sends the events due by emulated time `now` (at most one per call, to keep the pace). */
  pump(now: number, keyboard: KeyboardInput): void {
    if (this.done || now < this.dueAt) return;
    const stroke = this.strokes[this.next++];
    keyboard.keyEvent(stroke.code, stroke.pressed);
    this.dueAt = now + this.interval;
  }
}
