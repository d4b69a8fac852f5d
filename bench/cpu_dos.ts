/**
 * CPU speed on real DOS code: boots FreeDOS (../shared/guests/freedos-boot-1440k.img) to its
 * `A:\>` prompt, then runs the demo disk's fire effect (guest/demo/demo.img, menu item 1) for
 * about `--seconds` of wall time, both flat out. Reports guest instructions per second of
 * process CPU time (steadier than wall time on a shared machine) for each, as one JSON line:
 * `{"boot_mips": …, "warm_boot_mips": …, "fire_mips": …, …}`; the boot runs twice, the first
 * time with the JIT still warming up.
 *
 * Usage: deno run -A bench/cpu_dos.ts [--seconds S] [--blocks on|off]
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Cpu } from "../core/cpu/cpu.ts";
import { Machine } from "../core/machine/machine.ts";
import { openDisk } from "../disks/open.ts";
import { showsPrompt } from "./dos_prompt.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FREEDOS = join(ROOT, "..", "shared", "guests", "freedos-boot-1440k.img");
const DEMO = join(ROOT, "guest", "demo", "demo.img");

const { values } = parseArgs({
  args: Deno.args,
  options: { seconds: { type: "string", default: "3" }, blocks: { type: "string", default: "" } },
});
const seconds = Number(values.seconds);
if (values.blocks !== "") Cpu.compileBlocksDefault = values.blocks === "on";

/** Process CPU seconds since `from`. */
function cpuSecondsSince(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

type Result = Record<string, number | string>;

function boot(): Result {
  const machine = new Machine({ floppies: [openDisk(FREEDOS, { overlay: true })], bootOrder: ["a"] });
  machine.powerOn();
  const slice = Math.round(0.02 * machine.clock.hz);
  const from = process.cpuUsage();
  let found = false;
  while (!found && machine.emulatedSeconds() < 30) {
    machine.runCycles(slice);
    const f = machine.video.takeFrame();
    found = f.kind === "text" && showsPrompt(f);
  }
  const secs = cpuSecondsSince(from);
  if (!found) return { boot_note: "no prompt within 30 s of emulated time" };
  return {
    boot_mips: Math.round(machine.cpu.instructions / secs / 1e4) / 100,
    boot_instructions: machine.cpu.instructions,
    boot_cpu_s: Math.round(secs * 1000) / 1000,
    boot_emulated_s: Math.round(machine.emulatedSeconds() * 1000) / 1000,
  };
}

function fire(): Result {
  const machine = new Machine({ floppies: [openDisk(DEMO, { overlay: true })], bootOrder: ["a"] });
  machine.powerOn();
  const hz = machine.clock.hz;
  machine.runCycles(Math.round(0.5 * hz));
  machine.keyboard.keyEvent(0x02, true); // "1"
  machine.runCycles(Math.round(0.02 * hz));
  machine.keyboard.keyEvent(0x02, false);
  machine.runCycles(Math.round(0.5 * hz));
  const from = process.cpuUsage();
  const wall = performance.now();
  const i0 = machine.cpu.instructions;
  const e0 = machine.emulatedSeconds();
  while (performance.now() - wall < seconds * 1000) machine.runCycles(Math.round(0.05 * hz));
  const secs = cpuSecondsSince(from);
  const n = machine.cpu.instructions - i0;
  return {
    fire_mips: Math.round(n / secs / 1e4) / 100,
    fire_instructions: n,
    fire_cpu_s: Math.round(secs * 1000) / 1000,
    fire_x_realtime: Math.round((machine.emulatedSeconds() - e0) / secs * 10) / 10,
    fire_mode: machine.memory.read8(0x449),
  };
}

// The first boot includes the JIT's warm-up; the second shows the steady speed.
const cold = boot();
const warm = boot();
console.log(JSON.stringify({
  ...cold,
  warm_boot_mips: warm.boot_mips,
  warm_boot_cpu_s: warm.boot_cpu_s,
  ...fire(),
}));
