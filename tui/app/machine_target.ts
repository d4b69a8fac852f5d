/**
 * What a live snapshot of a {@link Machine} covers: RAM and VRAM page by page (through the
 * snapshot engine's write barrier), and the CPU and device registers as one state record.
 *
 * @example
 * ```ts
 * const session = new SnapshotSession({ target: machineSnapshotTarget(machine), stateDir, eager: ["vram"] });
 * ```
 */
import type { Machine } from "../../core/machine/machine.ts";
import type { SnapshotTarget } from "../../core/snapshot/live_writer.ts";
import type { Stateful, StateValue } from "../../core/state.ts";

/** Memories the VGA reads directly: restored before the guest runs. */
export const EAGER_MEMORIES: readonly string[] = ["vram"];

/** The devices of the state record, in order. */
const DEVICES = ["cpu", "pic", "pit", "keyboardController", "portB", "rtc", "vga", "bios"] as const;
type DeviceName = typeof DEVICES[number];

/** The machine's CPU and devices without RAM (RAM is saved through its pages). */
class MachineDevices implements Stateful {
  constructor(private readonly machine: Machine) {}

  private device(name: DeviceName): Stateful {
    return this.machine[name];
  }

  saveState(): StateValue {
    const out: { [key: string]: StateValue } = { version: 1 };
    for (const name of DEVICES) out[name] = this.device(name).saveState();
    return out;
  }

  loadState(state: StateValue): void {
    if (state === null || typeof state !== "object" || Array.isArray(state) || ArrayBuffer.isView(state)) {
      throw new TypeError("machine snapshot state must be a record");
    }
    const s = state as { [key: string]: StateValue };
    if (s.version !== 1) {
      throw new TypeError(`machine snapshot state version ${String(s.version)} is not supported`);
    }
    for (const name of DEVICES) {
      if (!(name in s)) throw new TypeError(`machine snapshot state has no ${name}`);
    }
    for (const name of DEVICES) this.device(name).loadState(s[name]);
  }
}

/** The snapshot target of `machine`: memories "ram" (1 MiB address space) and "vram". */
export function machineSnapshotTarget(machine: Machine): SnapshotTarget {
  return {
    memories: [{ name: "ram", memory: machine.memory }, { name: "vram", memory: machine.vga.vram }],
    state: new MachineDevices(machine),
    config: {
      cpuModel: machine.cpu.model,
      memories: [
        { name: "ram", size: machine.memory.bytes.length },
        { name: "vram", size: machine.vga.vram.bytes.length },
      ],
      devices: [...DEVICES],
      settings: { memoryKiB: machine.memoryKiB, hz: machine.clock.hz },
    },
  };
}
