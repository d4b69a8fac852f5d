/**
 * The prefix hotkey: after the prefix (Ctrl-] by default), the next key is a tty86 command.
 *
 * One table, {@link HOTKEY_BINDINGS}, defines the commands and generates the help text. The prefix
 * pressed twice sends a literal prefix key to the guest; Esc or an unbound key after the prefix
 * cancels. Every other key reaches the guest untouched.
 *
 * @example
 * ```ts
 * const hotkeys = new HotkeyPrefix((command) => app.run(command), "ctrl-a");
 * if (!hotkeys.filter(key, pressed, mods, releaseReported)) translator.key(key, pressed, mods, releaseReported);
 * ```
 * @module
 */

import { Mod } from "./keys.ts";

/** What a hotkey asks the app to do. */
export type HotkeyCommand =
  | "quit"
  | "pause"
  | "reset"
  | "status"
  | "help"
  | "snapshot"
  | "restore"
  | "disks"
  | "snapshots"
  | "rewind";

/** A key after the prefix and the command it runs. */
export interface HotkeyBinding {
  /** Key name as decoded (see keys.ts). */
  key: string;
  /** How the help shows the key. */
  label: string;
  command: HotkeyCommand;
  description: string;
}

/** Every hotkey. `r` is restore, so reset is `x`. */
export const HOTKEY_BINDINGS: readonly HotkeyBinding[] = [
  { key: "q", label: "q", command: "quit", description: "quit tty86" },
  { key: "p", label: "p", command: "pause", description: "pause / resume the machine" },
  { key: "x", label: "x", command: "reset", description: "reset the machine" },
  { key: "i", label: "i", command: "status", description: "show / hide the status line" },
  { key: "h", label: "h", command: "help", description: "this help" },
  { key: "s", label: "s", command: "snapshot", description: "take a snapshot" },
  { key: "r", label: "r", command: "restore", description: "restore a snapshot" },
  { key: "d", label: "d", command: "disks", description: "disk panel" },
  { key: "t", label: "t", command: "snapshots", description: "snapshot tree" },
  { key: "Left", label: "←", command: "rewind", description: "rewind" },
];

/** A parsed prefix key. */
export interface PrefixKey {
  key: string;
  mods: number;
  /** Human form, e.g. "Ctrl-]". */
  label: string;
}

const MOD_MASK = Mod.Shift | Mod.Alt | Mod.Ctrl | Mod.Super;

/**
 * Parses a prefix spec such as `ctrl-]`, `ctrl-a` or `alt-x`.
 *
 * @example
 * ```ts
 * parsePrefix("ctrl-a"); // { key: "a", mods: Mod.Ctrl, label: "Ctrl-a" }
 * ```
 */
export function parsePrefix(spec: string): PrefixKey {
  const parts = spec.split("-");
  // A trailing "-" means the minus key itself ("ctrl--").
  let key = parts.pop() ?? "";
  if (key === "" && spec.endsWith("-")) {
    parts.pop();
    key = "-";
  }
  let mods = 0;
  const labels: string[] = [];
  for (const part of parts) {
    const name = part.toLowerCase();
    if (name === "ctrl" || name === "c") mods |= Mod.Ctrl;
    else if (name === "alt" || name === "m" || name === "meta") mods |= Mod.Alt;
    else throw new Error(`tty86: unknown modifier "${part}" in hotkey prefix "${spec}"`);
  }
  if (mods & Mod.Ctrl) labels.push("Ctrl");
  if (mods & Mod.Alt) labels.push("Alt");
  if (key.length !== 1) throw new Error(`tty86: hotkey prefix "${spec}" must end in one character`);
  if (/^[A-Z]$/.test(key)) key = key.toLowerCase();
  return { key, mods, label: [...labels, key].join("-") };
}

/**
 * The help text, generated from {@link HOTKEY_BINDINGS}.
 *
 * @example
 * ```ts
 * console.log(hotkeyHelp("Ctrl-]").join("\n"));
 * ```
 */
export function hotkeyHelp(prefixLabel: string): string[] {
  const lines = [`tty86 hotkeys: press ${prefixLabel}, then`];
  for (const binding of HOTKEY_BINDINGS) lines.push(`  ${binding.label.padEnd(8)}${binding.description}`);
  lines.push(`  ${prefixLabel.padEnd(8)}send ${prefixLabel} to the guest`);
  lines.push(`  ${"Esc".padEnd(8)}cancel`);
  return lines;
}

const BINDINGS_BY_KEY: ReadonlyMap<string, HotkeyCommand> = new Map(
  HOTKEY_BINDINGS.map((binding) => [binding.key, binding.command]),
);

function isModifierKey(key: string): boolean {
  switch (key) {
    case "ShiftLeft":
    case "ShiftRight":
    case "ControlLeft":
    case "ControlRight":
    case "AltLeft":
    case "AltRight":
    case "MetaLeft":
    case "MetaRight":
    case "CapsLock":
    case "NumLock":
      return true;
    default:
      return false;
  }
}

/** The prefix state machine between decoded keys and the guest. */
export class HotkeyPrefix {
  readonly prefix: PrefixKey;
  private pending = false;
  /** Keys whose press we consumed and whose reported release must be consumed too. */
  private readonly swallowedReleases = new Set<string>();

  constructor(private readonly onCommand: (command: HotkeyCommand) => void, prefix = "ctrl-]") {
    this.prefix = parsePrefix(prefix);
  }

  /** True after the prefix, while waiting for the command key. */
  get armed(): boolean {
    return this.pending;
  }

  /** The help lines for this prefix. */
  help(): string[] {
    return hotkeyHelp(this.prefix.label);
  }

  /** Looks at one key event; returns true if it was a hotkey (consumed), false if it goes to the guest. */
  filter(key: string, pressed: boolean, mods: number, releaseReported: boolean): boolean {
    if (!pressed) return this.swallowedReleases.delete(key);
    if (isModifierKey(key)) return false;
    if (!this.pending) {
      if (!this.isPrefix(key, mods)) return false;
      this.pending = true;
      this.swallow(key, releaseReported);
      return true;
    }
    this.pending = false;
    if (this.isPrefix(key, mods)) return false; // prefix twice: the guest gets a literal prefix key
    const command = BINDINGS_BY_KEY.get(key) ??
      (key.length === 1 ? BINDINGS_BY_KEY.get(key.toLowerCase()) : undefined);
    this.swallow(key, releaseReported);
    if (command !== undefined) this.onCommand(command);
    return true; // a command, or Esc / an unbound key: cancelled
  }

  private isPrefix(key: string, mods: number): boolean {
    if ((mods & MOD_MASK & ~Mod.Shift) !== this.prefix.mods) return false;
    return key === this.prefix.key || (key.length === 1 && key.toLowerCase() === this.prefix.key);
  }

  private swallow(key: string, releaseReported: boolean): void {
    if (releaseReported) this.swallowedReleases.add(key);
  }
}
