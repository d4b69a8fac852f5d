/**
 * Notices when the guest first asks the BIOS for a key (INT 16h), the sign that it is ready for
 * typed input: headless `--type` waits for it so that keys are not lost while the guest boots.
 *
 * The BIOS has no hook for this, so the keyboard service's `handle` is wrapped on this one
 * instance; nothing else about the machine changes.
 *
 * @example
 * ```ts
 * const watch = watchKeyboardPolls(machine);
 * machine.runCycles(n);
 * if (watch.polled) startTyping();
 * ```
 */
import type { Machine } from "../../core/machine/machine.ts";
import { BDA_KBD_HEAD, BDA_KBD_TAIL } from "../../core/bios/bda.ts";

const BDA_BASE = 0x400;

/** Whether the BIOS keyboard buffer is empty: the guest has read every key typed so far. */
export function keyBufferEmpty(machine: Machine): boolean {
  return machine.memory.read16(BDA_BASE + BDA_KBD_HEAD) === machine.memory.read16(BDA_BASE + BDA_KBD_TAIL);
}

/** What the guest has done with the keyboard BIOS so far. */
export interface KeyboardPollWatch {
  /** The guest called INT 16h at least once. */
  readonly polled: boolean;
  /** Emulated seconds at the first call, or -1. */
  readonly firstPollAt: number;
}

/** Starts watching INT 16h calls on `machine`. */
export function watchKeyboardPolls(machine: Machine): KeyboardPollWatch {
  const watch = { polled: false, firstPollAt: -1 };
  const service = machine.bios.keyboard;
  const handle = service.handle.bind(service);
  service.handle = (): void => {
    if (!watch.polled) {
      watch.polled = true;
      watch.firstPollAt = machine.emulatedSeconds();
    }
    handle();
  };
  return watch;
}
