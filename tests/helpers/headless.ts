/**
 * Headless machine driving for tests: boot a disk image, type text through the
 * keyboard controller, wait (in emulated time) for text on the screen, and read
 * the screen as a string.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Machine, type MachineConfig } from "../../core/machine/machine.ts";
import { typingSequence } from "../../core/machine/typing.ts";
import { CP437_TO_UNICODE } from "../../core/video/font/cp437.ts";
import type { TextFrame } from "../../core/video/frame.ts";
import type { BlockDevice } from "../../disks/block_device.ts";
import { openDisk } from "../../disks/open.ts";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The shared test data folder beside the repository. */
export const SHARED_DIR = join(REPO_ROOT, "..", "shared");
/** The guest images folder. */
export const GUESTS_DIR = join(SHARED_DIR, "guests");

/** True if `path` exists. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Opens a shared image read-only behind an in-memory overlay (guest writes never reach the file). */
export function openGuest(path: string): BlockDevice {
  return openDisk(path, { overlay: true });
}

/** A machine plus the helpers tests use on it. */
export class Headless {
  readonly machine: Machine;

  constructor(config: MachineConfig) {
    this.machine = new Machine(config);
    this.machine.powerOn();
  }

  /** Boots a floppy image (A:) through an overlay. */
  static floppy(path: string, config: MachineConfig = {}): Headless {
    return new Headless({ ...config, floppies: [openGuest(path)], bootOrder: ["a"] });
  }

  /** Runs `seconds` of emulated time. */
  run(seconds: number): void {
    this.machine.runCycles(Math.round(seconds * this.machine.clock.hz));
  }

  /** The current text screen, or null in a graphics mode. */
  textFrame(): TextFrame | null {
    const f = this.machine.video.takeFrame();
    return f.kind === "text" ? f : null;
  }

  /** The screen as lines of text (trailing blanks trimmed), empty in graphics modes. */
  screen(): string {
    const f = this.textFrame();
    if (f === null) return "";
    const lines: string[] = [];
    for (let r = 0; r < f.rows; r++) {
      let line = "";
      for (let c = 0; c < f.cols; c++) {
        const ch = f.cells[r * f.cols + c] & 0xFF;
        line += ch === 0 ? " " : String.fromCodePoint(CP437_TO_UNICODE[ch]);
      }
      lines.push(line.trimEnd());
    }
    return lines.join("\n");
  }

  /**
   * Runs until the screen matches (contains a string, matches a RegExp, or satisfies a predicate)
   * or `timeoutSeconds` of emulated time pass; true if it matched.
   */
  waitFor(
    pattern: string | RegExp | ((screen: string) => boolean),
    timeoutSeconds: number,
    stepSeconds = 0.05,
  ): boolean {
    const deadline = this.machine.emulatedSeconds() + timeoutSeconds;
    for (;;) {
      const s = this.screen();
      if (screenMatches(s, pattern)) return true;
      if (this.machine.emulatedSeconds() >= deadline) return false;
      this.run(stepSeconds);
    }
  }

  /** Waits for a DOS prompt such as `A:\>` on the last non-empty line. */
  waitForPrompt(drive: string, timeoutSeconds: number): boolean {
    return this.waitFor((s) => lastLine(s) === `${drive}:\\>`, timeoutSeconds);
  }

  /** Types `cls` at the DOS prompt and waits for a screen holding only the prompt. */
  clearScreen(timeoutSeconds = 10, drive = "A"): void {
    this.type("cls\r");
    const prompt = `${drive}:\\>`;
    const ok = this.waitFor((s) => s.trim() === prompt, timeoutSeconds);
    if (!ok) throw new Error(`cls did not clear the screen:\n${this.screen()}`);
  }

  /**
   * Clears the screen, types a command at the DOS prompt and waits until `done` shows and the
   * prompt is back; returns the screen, or throws after `timeoutSeconds` of emulated time.
   * Clearing first guarantees that `done` and the prompt come from this command's output.
   */
  command(cmd: string, done: string | RegExp, timeoutSeconds = 20, drive = "A"): string {
    this.clearScreen(timeoutSeconds, drive);
    this.type(cmd + "\r");
    const prompt = `${drive}:\\>`;
    const ok = this.waitFor(
      (s) => screenMatches(s, done) && lastLine(s) === prompt && s.trim() !== prompt,
      timeoutSeconds,
    );
    if (!ok) throw new Error(`"${cmd}" did not finish; screen:\n${this.screen()}`);
    return this.screen();
  }

  /** Types `text` on the US keyboard, giving the guest `keyGapSeconds` between key events. */
  type(text: string, keyGapSeconds = 0.01): void {
    for (const k of typingSequence(text)) {
      this.machine.keyboard.keyEvent(k.code, k.pressed);
      this.run(keyGapSeconds);
    }
  }

  /** Presses and releases one key by scancode. */
  press(code: number, holdSeconds = 0.02): void {
    this.machine.keyboard.keyEvent(code, true);
    this.run(holdSeconds);
    this.machine.keyboard.keyEvent(code, false);
    this.run(holdSeconds);
  }
}

function screenMatches(s: string, pattern: string | RegExp | ((screen: string) => boolean)): boolean {
  if (typeof pattern === "string") return s.includes(pattern);
  if (pattern instanceof RegExp) return pattern.test(s);
  return pattern(s);
}

/** The last non-empty line of a screen string. */
export function lastLine(screen: string): string {
  const lines = screen.split("\n").filter((l) => l.trim() !== "");
  return lines.length === 0 ? "" : lines[lines.length - 1];
}
