/**
 * The measured process of the boot benchmark (bench/boot.ts starts it, as dist/boot-bench.js when
 * the bundle builds): boots ../shared/guests/freedos-boot-1440k.img flat out (turbo) to its
 * `A:\>` prompt, then plays the demo disk's Snake flat out for about 3 s of wall time (arrow
 * keys fed periodically, Enter restarts after a game over) to measure the guest instruction rate.
 * Prints one JSON line.
 *
 * `prompt_epoch_ms` is the wall-clock time at the prompt (performance.timeOrigin + now), which
 * the parent turns into time from its spawn of this process. `boot_in_process_ms` is the same
 * moment from this process's time origin (after Deno's own start-up); the `boot_*_ms` fields
 * split it into loading, building the machine, and running. `warm_boot_*` repeats the boot in
 * the same process: the difference from the first boot is the JIT's warm-up, the rest is the
 * interpreter's steady speed.
 *
 * Usage: deno run -A bench/boot_child.ts [--game-seconds S]
 */
// No node: imports here: Deno's Node compatibility layer costs ~10–25 ms of start-up per
// process, which this benchmark would otherwise count as emulator time.
import { Machine } from "../core/machine/machine.ts";
import { openDisk } from "../disks/open.ts";
import { showsPrompt } from "./dos_prompt.ts";

const loadedAt = performance.now();

const ROOT = `${import.meta.dirname}/..`;
const FREEDOS = `${ROOT}/../shared/guests/freedos-boot-1440k.img`;
const DEMO = `${ROOT}/guest/demo/demo.img`;
/** Emulated time between prompt checks: small against the boot, large against the check. */
const CHECK_SECONDS = 0.02;
/** Give up on the boot after this much emulated time. */
const BOOT_LIMIT_SECONDS = 30;

/** The value of `--name V` or `--name=V` in the arguments, else `fallback`. */
function option(name: string, fallback: string): string {
  const args = Deno.args;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}` && i + 1 < args.length) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return fallback;
}
const gameSeconds = Number(option("game-seconds", "3"));

/** Process CPU time in µs: Deno.cpuUsage is what node:process's cpuUsage calls, but is not in Deno's types. */
const cpuUsage = (Deno as unknown as { cpuUsage: () => { user: number; system: number } }).cpuUsage;
/** CPU time (user + system) of this process in ms. */
function cpuMs(): number {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
}
if (!(gameSeconds >= 0)) throw new RangeError(`--game-seconds must be a number >= 0`);

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

type Result = Record<string, number | string | boolean>;

/** Boots FreeDOS flat out and reports the time to its prompt. */
function bootFreeDos(): Result {
  if (!exists(FREEDOS)) return { freedos_note: `skipped: ${FREEDOS} not found` };
  const cpuStart = cpuMs();
  const machine = new Machine({ floppies: [openDisk(FREEDOS, { overlay: true })], bootOrder: ["a"] });
  machine.powerOn();
  const builtAt = performance.now();
  const slice = Math.round(CHECK_SECONDS * machine.clock.hz);
  let found = false;
  while (!found && machine.emulatedSeconds() < BOOT_LIMIT_SECONDS) {
    machine.runCycles(slice);
    const f = machine.video.takeFrame();
    found = f.kind === "text" && showsPrompt(f);
  }
  const promptAt = performance.now();
  const cpuEnd = cpuMs();
  if (!found) return { freedos_note: `no A:\\> prompt within ${BOOT_LIMIT_SECONDS} s of emulated time` };
  return {
    prompt_epoch_ms: performance.timeOrigin + promptAt,
    boot_in_process_ms: Math.round(promptAt),
    boot_load_ms: Math.round(loadedAt),
    boot_build_ms: Math.round(builtAt - loadedAt),
    boot_run_ms: Math.round(promptAt - builtAt),
    boot_cpu_ms: Math.round(cpuEnd - cpuStart),
    boot_emulated_s: Math.round(machine.emulatedSeconds() * 1000) / 1000,
    boot_instructions: machine.cpu.instructions,
    boot_run_mips: Math.round(machine.cpu.instructions / (promptAt - builtAt) / 10) / 100,
  };
}

const ARROWS = [0xE048, 0xE04B, 0xE050, 0xE04D]; // up, left, down, right: a square, mostly survivable

/** Plays Snake flat out for `seconds` of wall time and reports the instruction rate. */
function playSnake(seconds: number): Result {
  const machine = new Machine({ floppies: [openDisk(DEMO, { overlay: true })], bootOrder: ["a"] });
  machine.powerOn();
  const hz = machine.clock.hz;
  const key = (code: number): void => {
    machine.keyboard.keyEvent(code, true);
    machine.runCycles(Math.round(0.02 * hz));
    machine.keyboard.keyEvent(code, false);
    machine.runCycles(Math.round(0.02 * hz));
  };
  machine.runCycles(Math.round(0.5 * hz));
  key(0x03); // "2"
  const startWall = performance.now();
  const startInstructions = machine.cpu.instructions;
  const startEmulated = machine.emulatedSeconds();
  let presses = 0;
  while (performance.now() - startWall < seconds * 1000) {
    machine.runCycles(Math.round(0.25 * hz));
    // Enter is ignored while playing and starts a new game after a game over.
    key(presses % 4 === 3 ? 0x1C : ARROWS[presses % 4]);
    presses++;
  }
  const wall = (performance.now() - startWall) / 1000;
  const instructions = machine.cpu.instructions - startInstructions;
  return {
    game_mips: Math.round(instructions / wall / 1e4) / 100,
    game_seconds: Math.round(wall * 1000) / 1000,
    game_instructions: instructions,
    game_speed_x_realtime: Math.round((machine.emulatedSeconds() - startEmulated) / wall * 10) / 10,
    game_mode: machine.memory.read8(0x449),
  };
}

/** Boots FreeDOS a second time in this (now warm) process. */
function warmBoot(): Result {
  const started = performance.now();
  const cold = bootFreeDos();
  if (cold.boot_in_process_ms === undefined) return {};
  const ms = performance.now() - started;
  return {
    warm_boot_ms: Math.round(ms),
    warm_boot_cpu_ms: cold.boot_cpu_ms,
    warm_boot_mips: Math.round(Number(cold.boot_instructions) / ms / 10) / 100,
  };
}

const result: Result = { ...bootFreeDos(), ...warmBoot(), ...playSnake(gameSeconds) };
console.log(JSON.stringify(result));
