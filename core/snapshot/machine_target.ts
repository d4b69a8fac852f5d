/**
 * The real {@link Machine} as a snapshot target: RAM and VRAM page by page, every
 * other device through its own `saveState`/`loadState`.
 *
 * Why not `Machine.saveState`/`loadState`: they carry a full copy of RAM (and load it
 * back byte by byte through the write path, about 5–8 ms), while the snapshot stores
 * RAM as pages for diffs and lazy restore. So the devices are saved one by one, in the
 * machine's order; {@link MACHINE_DEVICES} is part of the machine identity, so a
 * machine with other devices refuses the snapshot.
 */
import type { Machine } from "../machine/machine.ts";
import type { Stateful, StateValue } from "../state.ts";
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
  const devices: [string, Stateful][] = [
    ["cpu", machine.cpu],
    ["pic", machine.pic],
    ["pit", machine.pit],
    ["keyboardController", machine.keyboardController],
    ["portB", machine.portB],
    ["rtc", machine.rtc],
    ["vga", machine.vga],
    ["bios", machine.bios],
  ];
  return {
    memories: [{ name: "ram", memory: machine.memory }, { name: "vram", memory: machine.vga.vram }],
    state: {
      saveState(): StateValue {
        const out: { [key: string]: StateValue } = { version: 1 };
        for (const [name, device] of devices) out[name] = device.saveState();
        return out;
      },
      loadState(state: StateValue): void {
        if (
          state === null || typeof state !== "object" || Array.isArray(state) || ArrayBuffer.isView(state)
        ) {
          throw new TypeError("machine state must be a record");
        }
        const s = state as { [key: string]: StateValue };
        if (s.version !== 1) {
          throw new TypeError(`machine state version ${String(s.version)} is not supported`);
        }
        for (const [name] of devices) {
          if (!(name in s)) throw new TypeError(`machine state lacks ${name}`);
        }
        for (const [name, device] of devices) device.loadState(s[name]);
      },
    },
    config: {
      cpuModel: machine.cpu.model,
      memories: [
        { name: "ram", size: machine.memory.bytes.length },
        { name: "vram", size: machine.vga.vram.bytes.length },
      ],
      devices: devices.map(([name]) => name),
      settings: { memoryKiB: machine.memoryKiB, cpuHz: machine.clock.hz },
    },
  };
}
