/**
 * `tty86 run --headless`: boots without a terminal, types scripted keys once the guest reads the
 * keyboard, waits for a text on the screen or a wall-clock timeout, and dumps the screen.
 *
 * Exit codes: 0 the text appeared (or no `--until-text` and the time ran out), 3 timeout.
 *
 * @example
 * ```ts
 * const code = await runHeadless(machine, { inputs: [{ text: "ver\r" }], untilText: "FreeDOS", timeoutSeconds: 30,
 *   realtime: false });
 * ```
 */
import type { Machine } from "../core/machine/machine.ts";
import type { Frame } from "../core/video/frame.ts";
import { encodePng } from "../core/video/png.ts";
import { frameToRgba } from "../core/video/screenshot.ts";
import { keyBufferEmpty, watchKeyboardPolls } from "../tui/app/keyboard_poll.ts";
import { KeyScript, keyStrokesFor, type ScriptInput } from "../tui/app/key_script.ts";
import { screenText } from "../tui/app/screen_text.ts";
import { yieldToEventLoop } from "../core/machine/yield.ts";

/** Exit code when `--until-text` did not appear in time. */
export const EXIT_TIMEOUT = 3;

/** What a headless run does. */
export interface HeadlessOptions {
  /** Typed in order once the guest first polls the keyboard. */
  inputs: readonly ScriptInput[];
  /** Stop with success once this appears on a text screen (searched once the guest has read every typed key). */
  untilText?: string;
  /** Wall-clock seconds before giving up. */
  timeoutSeconds: number;
  /** Text dump of the final screen: a path, or `-` for stdout. */
  screen?: string;
  /** PNG of the final screen at the mode's native resolution: a path, or `-` for stdout. */
  screenshot?: string;
  /** Throttle emulated time to real time instead of running flat out. */
  realtime: boolean;
  /** Called after every slice (snapshot saving, lazy restore). */
  onSlice?: () => void;
  /** Wall clock in ms (tests may inject one). */
  now?: () => number;
}

/** Emulated time run between checks: short enough for key pacing, long enough to be cheap. */
const SLICE_SECONDS = 0.005;
/** Emulated seconds between scripted key events (the BIOS keyboard handler needs a moment per byte). */
const KEY_INTERVAL_SECONDS = 0.01;
/** Hand control to the event loop this often (signals, timers) in turbo. */
const YIELD_EVERY_MS = 50;

/** Runs `machine` headless; returns the process exit code. */
export async function runHeadless(machine: Machine, options: HeadlessOptions): Promise<number> {
  const now = options.now ?? (() => performance.now());
  const script = new KeyScript(keyStrokesFor(options.inputs), KEY_INTERVAL_SECONDS);
  const polls = watchKeyboardPolls(machine);
  const slice = Math.max(1, Math.round(machine.clock.hz * SLICE_SECONDS));
  const start = now();
  const deadline = start + options.timeoutSeconds * 1000;
  const emulatedStart = machine.emulatedSeconds();
  let lastYield = start;
  let lastChecked = -1;
  let found = false;
  while (now() < deadline) {
    machine.runCycles(slice);
    options.onSlice?.();
    const emulated = machine.emulatedSeconds();
    if (polls.polled) script.pump(emulated, machine.keyboard);
    if (
      options.untilText !== undefined && script.done && machine.video.retraceCount !== lastChecked &&
      keyBufferEmpty(machine)
    ) {
      lastChecked = machine.video.retraceCount;
      const frame = machine.video.takeFrame();
      if (frame.kind === "text" && screenText(frame).includes(options.untilText)) {
        found = true;
        break;
      }
    }
    const wall = now();
    if (options.realtime) {
      const ahead = (emulated - emulatedStart) * 1000 - (wall - start);
      if (ahead > 1) await sleep(Math.min(ahead, deadline - wall));
    } else if (wall - lastYield >= YIELD_EVERY_MS) {
      lastYield = wall;
      await yieldToEventLoop();
    }
  }
  await dumpScreen(machine.video.takeFrame(), options);
  return found || options.untilText === undefined ? 0 : EXIT_TIMEOUT;
}

/** Writes the `--screen` and `--screenshot` outputs of one frame. */
async function dumpScreen(frame: Frame, options: HeadlessOptions): Promise<void> {
  if (options.screen !== undefined) {
    await writeOutput(options.screen, new TextEncoder().encode(screenText(frame) + "\n"));
  }
  if (options.screenshot !== undefined) {
    const image = frameToRgba(frame);
    await writeOutput(options.screenshot, encodePng(image.width, image.height, image.rgba));
  }
}

async function writeOutput(target: string, bytes: Uint8Array): Promise<void> {
  if (target === "-") {
    let offset = 0;
    while (offset < bytes.length) offset += await Deno.stdout.write(bytes.subarray(offset));
  } else {
    await Deno.writeFile(target, bytes);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
