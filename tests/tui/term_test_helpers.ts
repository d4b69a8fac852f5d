/** Shared helpers for the tui/term tests: a fake-clock scheduler and a recording keyboard. */
import FakeTimers from "@sinonjs/fake-timers";
import type { KeyboardInput } from "../../core/devices/keyboard_input.ts";
import type { Scheduler } from "../../tui/term/scancodes.ts";

/** A fake clock and a {@link Scheduler} on it; advance with `clock.tick(ms)`. */
export function fakeScheduler(): { clock: FakeTimers.Clock; scheduler: Scheduler } {
  const clock = FakeTimers.createClock(0);
  const scheduler: Scheduler = {
    now: () => clock.now,
    setTimeout: (callback, delayMs) => clock.setTimeout(callback, delayMs),
    clearTimeout: (handle) => clock.clearTimeout(handle as FakeTimers.TimerId),
  };
  return { clock, scheduler };
}

/** Records key events as set-1 byte strings: make "E0 48", break "E0 C8". */
export class RecordingKeyboard implements KeyboardInput {
  bytes: string[] = [];
  keyEvent(code: number, pressed: boolean): void {
    const parts: number[] = [];
    if (code > 0xffff) parts.push(code >> 16, (code >> 8) & 0xff, code & 0xff);
    else if (code > 0xff) parts.push(code >> 8, code & 0xff);
    else parts.push(code);
    const last = parts.length - 1;
    if (!pressed) parts[last] |= 0x80;
    this.bytes.push(parts.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" "));
  }
  take(): string {
    const text = this.bytes.join(" ");
    this.bytes = [];
    return text;
  }
}
