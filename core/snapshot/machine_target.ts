/**
 * The real {@link Machine} as a snapshot target: RAM and VRAM page by page, every
 * other device through the machine's own `saveState`/`loadState`.
 *
 * `Machine.saveState` also carries a full copy of RAM; the snapshot stores RAM as
 * pages (for diffs and lazy restore), so the copy is dropped on save and, on load,
 * the machine is handed its own current RAM (an aliasing no-op write) — the pages
 * then arrive through the lazy restore.
 */
import type { Machine } from "../machine/machine.ts";
import type { StateValue } from "../state.ts";
import type { SnapshotTarget } from "./live_writer.ts";

/** Devices a machine snapshot covers, in the order `Machine.saveState` lists them. */
export const MACHINE_DEVICES = [
  "cpu",
  "pic",
  "pit",
  "keyboardController",
  "portB",
  "rtc",
  "vga",
  "bios",
] as const;

/** Memories a device reads directly (the VGA renders from `vram.bytes`): restore them eagerly. */
export const MACHINE_EAGER_MEMORIES = ["vram"] as const;

/** Wraps `machine` for {@link LiveSnapshotWriter}, {@link LazyRestore} and {@link SnapshotSession}. */
export function machineSnapshotTarget(machine: Machine): SnapshotTarget {
  const ramBytes = machine.memoryKiB * 1024;
  return {
    memories: [{ name: "ram", memory: machine.memory }, { name: "vram", memory: machine.vga.vram }],
    state: {
      saveState(): StateValue {
        const s = machine.saveState() as { [key: string]: StateValue };
        return { ...s, ram: null };
      },
      loadState(state: StateValue): void {
        if (
          state === null || typeof state !== "object" || Array.isArray(state) || ArrayBuffer.isView(state)
        ) {
          throw new TypeError("machine state must be a record");
        }
        machine.loadState({ ...state, ram: machine.memory.bytes.subarray(0, ramBytes) });
      },
    },
    config: {
      cpuModel: machine.cpu.model,
      memories: [
        { name: "ram", size: machine.memory.bytes.length },
        { name: "vram", size: machine.vga.vram.bytes.length },
      ],
      devices: [...MACHINE_DEVICES],
      settings: { memoryKiB: machine.memoryKiB, cpuHz: machine.clock.hz },
    },
  };
}
