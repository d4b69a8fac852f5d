/**
 * Builds the {@link Machine} a `tty86 run` uses from the opened disks and the command-line choices.
 *
 * @example
 * ```ts
 * const machine = buildMachine(disks, { cpu: "80186", boot: "a" });
 * ```
 */
import type { CpuModel } from "../../core/cpu/registers.ts";
import { Machine } from "../../core/machine/machine.ts";
import type { BlockDevice } from "../../disks/block_device.ts";

/** Machine choices from the command line. */
export interface MachineChoices {
  cpu: CpuModel;
  /** First boot drive; the other one is tried next. Default: A: if there is a floppy, else C:. */
  boot?: "a" | "c";
  /** Emulated CPU clock in Hz (default: the machine's, an 8 MHz AT). */
  cpuHz?: number;
}

/** A powered-on machine with the disks attached. */
export function buildMachine(
  disks: { readonly floppies: readonly BlockDevice[]; readonly hardDisks: readonly BlockDevice[] },
  choices: MachineChoices,
): Machine {
  const first = choices.boot ?? (disks.floppies.length > 0 || disks.hardDisks.length === 0 ? "a" : "c");
  const machine = new Machine({
    cpuModel: choices.cpu,
    floppies: [...disks.floppies],
    hardDisks: [...disks.hardDisks],
    bootOrder: first === "a" ? ["a", "c"] : ["c", "a"],
    ...(choices.cpuHz !== undefined ? { cpuHz: choices.cpuHz } : {}),
  });
  machine.powerOn();
  return machine;
}
