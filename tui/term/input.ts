/**
 * The terminal input path: raw stdin bytes → parser → keys → hotkeys | paste | scancodes → guest.
 *
 * Also runs the two timers of the input path on an injected {@link Scheduler}: the Escape-key timeout
 * (a lone ESC followed by ~30 ms of quiet is the Escape key) and the paste pump.
 *
 * @example
 * ```ts
 * const input = new TerminalInput({ keyboard: machine.keyboard, onCommand: (c) => app.command(c) });
 * session.onInput((bytes) => input.feed(bytes));
 * ```
 * @module
 */

import type { KeyboardInput } from "../../core/devices/keyboard_input.ts";
import { type HotkeyCommand, HotkeyPrefix } from "./hotkeys.ts";
import { KeyDecoder, type KeySink } from "./keys.ts";
import { InputParser } from "./parser.ts";
import { type PasteOptions, PasteQueue } from "./paste.ts";
import { KeyTranslator, type KeyTranslatorOptions, type Scheduler, systemScheduler } from "./scancodes.ts";

/** How {@link TerminalInput} is wired. */
export interface TerminalInputOptions {
  /** Where scancodes go. */
  keyboard: KeyboardInput;
  /** A hotkey command was chosen. */
  onCommand(command: HotkeyCommand): void;
  /** Something worth telling the user (e.g. paste text dropped). */
  onNote?(note: string): void;
  /** A cursor position report announced with {@link TerminalInput.expectCursorReport}. */
  onCursorReport?(row: number, col: number): void;
  /** Hotkey prefix, e.g. `ctrl-]` (default) or `ctrl-a`. */
  prefix?: string;
  /** The kitty keyboard protocol with event reporting is on: releases are real. */
  releasesReported?: boolean;
  /** Quiet time after a lone ESC before it counts as the Escape key. */
  escapeTimeoutMs?: number;
  scheduler?: Scheduler;
  paste?: PasteOptions;
  keys?: KeyTranslatorOptions;
}

/** The one input object the app uses. */
export class TerminalInput {
  readonly parser: InputParser;
  readonly decoder: KeyDecoder;
  readonly hotkeys: HotkeyPrefix;
  readonly translator: KeyTranslator;
  readonly paste: PasteQueue;
  /** While set, keys that are not hotkeys go here instead of the guest (an open panel); releases too. */
  intercept: ((key: string, pressed: boolean, mods: number) => void) | null = null;
  private readonly scheduler: Scheduler;
  private readonly escapeTimeoutMs: number;
  private escapeTimer: unknown = undefined;
  private pasteTimer: unknown = undefined;
  private readonly onEscapeTimeout = (): void => {
    this.escapeTimer = undefined;
    this.parser.flushPendingEscape();
  };
  private readonly onPasteTimer = (): void => {
    this.pasteTimer = undefined;
    this.paste.pump(this.scheduler.now());
    this.schedulePaste();
  };

  constructor(private readonly options: TerminalInputOptions) {
    this.scheduler = options.scheduler ?? systemScheduler;
    this.escapeTimeoutMs = options.escapeTimeoutMs ?? 30;
    this.translator = new KeyTranslator(options.keyboard, this.scheduler, options.keys);
    this.hotkeys = new HotkeyPrefix(options.onCommand, options.prefix);
    this.paste = new PasteQueue((key) => this.translator.type(key), options.paste);
    const sink: KeySink = {
      key: (key, pressed, mods, releaseReported) => {
        if (!this.hotkeys.filter(key, pressed, mods, releaseReported)) {
          if (this.intercept !== null) this.intercept(key, pressed, mods);
          else this.translator.key(key, pressed, mods, releaseReported);
        }
      },
      pasteChar: (codePoint) => this.paste.push(codePoint),
      pasteBoundary: (start) => {
        if (start) {
          this.paste.begin();
          return;
        }
        this.paste.end();
        for (const note of this.paste.takeNotes()) this.options.onNote?.(note);
        if (this.pasteTimer === undefined) this.paste.pump(this.scheduler.now());
        this.schedulePaste();
      },
      cursorReport: (row, col) => this.options.onCursorReport?.(row, col),
    };
    this.decoder = new KeyDecoder(sink);
    this.decoder.releasesReported = options.releasesReported ?? false;
    this.parser = new InputParser(this.decoder);
  }

  /** Raw bytes from the terminal. */
  feed(bytes: Uint8Array): void {
    this.parser.parse(bytes);
    if (this.escapeTimer !== undefined) {
      this.scheduler.clearTimeout(this.escapeTimer);
      this.escapeTimer = undefined;
    }
    if (this.parser.hasPendingEscape()) {
      this.escapeTimer = this.scheduler.setTimeout(this.onEscapeTimeout, this.escapeTimeoutMs);
    }
  }

  /** Switches release synthesis off (kitty keyboard protocol with flag 2 on) or back on. */
  set releasesReported(value: boolean) {
    this.decoder.releasesReported = value;
  }

  /** The next `CSI r ; c R` is a reply to our `CSI 6 n`, not a key. */
  expectCursorReport(): void {
    this.decoder.expectCursorReport();
  }

  /** Releases every key held in the guest (pause, snapshot, quit). */
  releaseAll(): void {
    this.translator.releaseAll();
  }

  /** Stops all timers and drops queued paste text. */
  dispose(): void {
    if (this.escapeTimer !== undefined) this.scheduler.clearTimeout(this.escapeTimer);
    if (this.pasteTimer !== undefined) this.scheduler.clearTimeout(this.pasteTimer);
    this.escapeTimer = this.pasteTimer = undefined;
    this.paste.clear();
    this.translator.dispose();
  }

  private schedulePaste(): void {
    if (this.pasteTimer !== undefined) return;
    const dueIn = this.paste.dueIn(this.scheduler.now());
    if (dueIn === Infinity) return;
    this.pasteTimer = this.scheduler.setTimeout(this.onPasteTimer, Math.max(1, dueIn));
  }
}
