/**
 * Runs the 80186 test ROMs: each 64 KiB image is mapped read-only at F0000, the CPU
 * (80186 model) is reset and runs until HLT, and RAM from address 0 is compared with
 * `res_<name>.bin` over the result file's whole length.
 *
 * jmpmov.bin has no result file. It chains jumps of every form and places a HLT at
 * each wrong landing spot; only the correct path reaches its final `mov [0],ax; hlt`
 * at F000:400C. Its pass criterion is therefore: it halts with CS:IP = F000:400D
 * (just after that HLT) and the word at 0000:0000 holds {@link JMPMOV_RESULT}.
 */
import { Cpu } from "../../core/cpu/cpu.ts";
import { IoBus } from "../../core/io/io_bus.ts";
import { PagedMemory } from "../../core/memory/paged_memory.ts";
import { CS } from "../../core/cpu/registers.ts";
import { SHARED_URL } from "./shared_dir.ts";

/** Where the ROMs live. */
export const ROMS_URL: URL = new URL("cpu-tests/80186/", SHARED_URL);

/** The word jmpmov.bin stores at 0000:0000 on the correct path. */
export const JMPMOV_RESULT = 0x4001;

/** Instruction limit per ROM (each finishes in far fewer). */
const MAX_STEPS = 5_000_000;

/** Outcome of one ROM. */
export interface RomResult {
  rom: string;
  passed: boolean;
  /** Description of the first difference, when failed. */
  detail: string;
}

/** ROM names (without .bin) in name order. */
export function listRoms(): string[] {
  const names: string[] = [];
  for (const e of Deno.readDirSync(ROMS_URL)) {
    if (e.isFile && e.name.endsWith(".bin") && !e.name.startsWith("res_")) names.push(e.name.slice(0, -4));
  }
  return names.sort();
}

/** Runs one ROM to HLT and returns the CPU and memory afterwards. */
export function runRomImage(rom: Uint8Array): { cpu: Cpu; memory: PagedMemory; halted: boolean } {
  const memory = new PagedMemory(1 << 20);
  memory.loadRom(0xF0000, rom);
  memory.setRom(0xF0000, 0x10000);
  const cpu = new Cpu(memory, new IoBus(), { model: "80186" });
  cpu.reset();
  for (let i = 0; i < MAX_STEPS && !cpu.halted; i++) cpu.step();
  return { cpu, memory, halted: cpu.halted };
}

/** Runs ROM `name` and checks it. */
export function runRom(name: string): RomResult {
  const rom = Deno.readFileSync(new URL(`${name}.bin`, ROMS_URL));
  const { cpu, memory, halted } = runRomImage(rom);
  if (!halted) return { rom: name, passed: false, detail: `no HLT within ${MAX_STEPS} instructions` };
  if (name === "jmpmov") {
    const at = `${cpu.sregs[CS].toString(16)}:${cpu.ip.toString(16)}`;
    const word = memory.bytes[0] | (memory.bytes[1] << 8);
    if (cpu.sregs[CS] !== 0xF000 || cpu.ip !== 0x400D) {
      return { rom: name, passed: false, detail: `halted at ${at}, expected f000:400d` };
    }
    if (word !== JMPMOV_RESULT) {
      return {
        rom: name,
        passed: false,
        detail: `word [0] expected ${hex(JMPMOV_RESULT)}, got ${hex(word)}`,
      };
    }
    return { rom: name, passed: true, detail: "" };
  }
  const expected = Deno.readFileSync(new URL(`res_${name}.bin`, ROMS_URL));
  for (let i = 0; i < expected.length; i++) {
    if (memory.bytes[i] !== expected[i]) {
      return {
        rom: name,
        passed: false,
        detail: `ram[0x${i.toString(16)}] expected ${hex(expected[i])}, got ${hex(memory.bytes[i])}`,
      };
    }
  }
  return { rom: name, passed: true, detail: "" };
}

function hex(v: number): string {
  return `0x${v.toString(16)}`;
}
