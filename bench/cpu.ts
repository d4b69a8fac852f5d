/**
 * CPU speed benchmark: runs guest/bench/cpumix.bin (our own NASM program looping over
 * arithmetic, string, call/return, sieve and CRC kernels) for about 3 seconds of wall
 * time in large run() slices, checks the results the guest stored against values
 * computed here, and prints one JSON line last:
 * `{"mips": …, "instructions": N, "seconds": S, "model": "80186", …}`. `mips` is per wall-clock
 * second; `mipsPerCpuSecond` divides by the process's CPU time instead, which is steadier
 * when other work shares the machine. `blocksCompiled` is how many regions the block
 * compiler (core/cpu/block.ts; on by default, `--blocks off` for the interpreter alone) made.
 *
 * Usage: deno task bench:cpu [--seconds S] [--model 8086|80186] [--blocks on|off]
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { Cpu } from "../core/cpu/cpu.ts";
import { type CpuModel, CS, DS, ES, SP, SS } from "../core/cpu/registers.ts";
import { IoBus } from "../core/io/io_bus.ts";
import { PagedMemory } from "../core/memory/paged_memory.ts";

const LOAD_SEGMENT = 0x1000;
const SLICE_CYCLES = 20_000_000;
const BUF_LEN = 1024;

/** Result offsets inside the guest's segment (see cpumix.asm). */
const RESULT = {
  passes: 0x200,
  mismatch: 0x204,
  crc16: 0x206,
  crc32: 0x208,
  primes: 0x20C,
  fib: 0x20E,
  muldiv: 0x210,
};

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "3" },
    model: { type: "string", default: "80186" },
    blocks: { type: "string", default: "" },
  },
});
const seconds = Number(values.seconds);
const model = values.model as CpuModel;
if (model !== "8086" && model !== "80186") throw new Error(`unknown model ${model}`);

const image = Deno.readFileSync(new URL("../guest/bench/cpumix.bin", import.meta.url));
const memory = new PagedMemory(1 << 20);
memory.writeBlock(LOAD_SEGMENT << 4, image);
const cpu = new Cpu(memory, new IoBus(), {
  model,
  ...(values.blocks === "" ? {} : { compileBlocks: values.blocks === "on" }),
});
cpu.reset();
cpu.sregs[CS] = LOAD_SEGMENT;
cpu.sregs[DS] = LOAD_SEGMENT;
cpu.sregs[ES] = LOAD_SEGMENT;
cpu.sregs[SS] = 0x2000;
cpu.regs[SP] = 0;
cpu.ip = 0;

// Warm up the JIT, then measure from a clean count.
cpu.run(SLICE_CYCLES);
const instructions0 = cpu.instructions;
const cycles0 = cpu.cycles;
const cpuStarted = process.cpuUsage();
const started = performance.now();
let elapsed = 0;
while (elapsed < seconds * 1000) {
  cpu.run(SLICE_CYCLES);
  elapsed = performance.now() - started;
}
const instructions = cpu.instructions - instructions0;
const secs = elapsed / 1000;
const used = process.cpuUsage(cpuStarted);
// Process CPU time (all threads): a steadier figure than wall time on a shared machine.
const cpuSecs = (used.user + used.system) / 1e6;

// Check what the guest computed.
const base = LOAD_SEGMENT << 4;
const word = (off: number) => memory.bytes[base + off] | (memory.bytes[base + off + 1] << 8);
const dword = (off: number) => (word(off) + word(off + 2) * 0x10000) >>> 0;
const data = new Uint8Array(BUF_LEN);
for (let i = 0; i < BUF_LEN; i++) data[i] = (i * 7 + 3) & 0xFF;
const expected = {
  mismatch: 0,
  crc16: crc16CcittFalse(data),
  crc32: crc32(data),
  primes: countPrimesBelow(8192),
  fib: fibonacci(16),
  muldiv: sumSquaresMod(200, 13),
};
const got = {
  mismatch: word(RESULT.mismatch),
  crc16: word(RESULT.crc16),
  crc32: dword(RESULT.crc32),
  primes: word(RESULT.primes),
  fib: word(RESULT.fib),
  muldiv: word(RESULT.muldiv),
};
const passes = dword(RESULT.passes);
const wrong = Object.keys(expected).filter((k) =>
  expected[k as keyof typeof expected] !== got[k as keyof typeof got]
);
if (passes === 0 || wrong.length > 0) {
  console.error(`bench/cpu: guest results wrong: ${wrong.join(", ") || "no pass completed"}`);
  console.error(`  expected ${JSON.stringify(expected)}\n  got      ${JSON.stringify(got)}`);
  Deno.exit(1);
}
console.error(
  `bench/cpu: ${passes} passes of cpumix verified (crc32 ${got.crc32.toString(16)}, ${got.primes} primes)`,
);
console.log(JSON.stringify({
  mips: Math.round(instructions / secs / 1e4) / 100,
  instructions,
  seconds: Math.round(secs * 1000) / 1000,
  model,
  cpuSeconds: Math.round(cpuSecs * 1000) / 1000,
  mipsPerCpuSecond: Math.round(instructions / cpuSecs / 1e4) / 100,
  cycles: cpu.cycles - cycles0,
  passes,
  blocksCompiled: cpu.blocks?.compiled ?? null,
}));

function crc16CcittFalse(bytes: Uint8Array): number {
  let crc = 0xFFFF;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) {
      crc = (crc & 0x8000) !== 0 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
    }
  }
  return crc;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xFFFFFFFF;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = (crc & 1) !== 0 ? (crc >>> 1) ^ 0xEDB88320 : crc >>> 1;
  }
  return (crc ^ 0xFFFFFFFF) >>> 0;
}

function countPrimesBelow(n: number): number {
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

function fibonacci(n: number): number {
  let a = 0;
  let b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

function sumSquaresMod(n: number, m: number): number {
  let s = 0;
  for (let i = 1; i <= n; i++) s += (i * i) % m;
  return s & 0xFFFF;
}
