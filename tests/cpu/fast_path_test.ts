/**
 * The fast loop (fast.ts) against the general handlers: random register, flag and memory
 * states run one instruction through Cpu.step (which takes the fast path for everything it
 * inlines or delegates) and through the opcode's general handler called as Cpu.execute
 * would; registers, FLAGS, IP, cycles, the instruction count and memory must agree. Covers
 * each opcode with and without a segment-override prefix, on both models.
 */
import assert from "node:assert/strict";
import { fetch8 } from "../../core/cpu/bus.ts";
import { Cpu } from "../../core/cpu/cpu.ts";
import { BASE_CYCLES } from "../../core/cpu/cycles.ts";
import { FLAG_TF } from "../../core/cpu/flags.ts";
import { type CpuModel, CS, DS, ES, SS } from "../../core/cpu/registers.ts";
import { IoBus } from "../../core/io/io_bus.ts";
import { PagedMemory } from "../../core/memory/paged_memory.ts";

const MEMORY = 1 << 16;
const CODE = 0x4100; // linear address of the instruction, mid-page
const PREFIXES: Record<number, number> = { 0x26: ES, 0x2E: CS, 0x36: SS, 0x3E: DS };

/** A small deterministic PRNG (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function makeCpu(model: CpuModel, ram: Uint8Array): { cpu: Cpu; memory: PagedMemory } {
  const memory = new PagedMemory(MEMORY);
  memory.bytes.set(ram);
  return { cpu: new Cpu(memory, new IoBus(), { model }), memory };
}

/** One instruction through the general handler, as Cpu.execute runs it (one optional segment prefix). */
function general(c: Cpu): void {
  c.trapAfter = 0;
  c.inhibit = 0;
  c.opStart = c.ip;
  let op = fetch8(c);
  const seg = PREFIXES[op];
  if (seg !== undefined) {
    c.segOverride = seg;
    c.lastPrefix = c.opStart;
    c.cycles += 2;
    op = fetch8(c);
  }
  c.instructions++;
  c.cycles += BASE_CYCLES[op];
  c.ops[op](c, op);
  c.segOverride = -1;
  c.lastPrefix = -1;
}

/** Opcodes the fast loop inlines (besides the ones conformance already pins down in bulk). */
const OPCODES = [
  0x00,
  0x01,
  0x02,
  0x03,
  0x06,
  0x07,
  0x0E,
  0x1E,
  0x1F,
  0x16,
  0x29,
  0x3B,
  0x80,
  0x81,
  0x83,
  0x84,
  0x85,
  0x88,
  0x89,
  0x8A,
  0x8B,
  0x8C,
  0x8D,
  0x8E,
  0x91,
  0x96,
  0x97,
  0x98,
  0x99,
  0xA0,
  0xA1,
  0xA2,
  0xA3,
  0xA8,
  0xA9,
  0xAC,
  0xAD,
  0xC0,
  0xC1,
  0xC6,
  0xC7,
  0xD0,
  0xD1,
  0xD2,
  0xD3,
  0xF6,
  0xF7,
  0xFE,
  0xFF,
  0x9C,
  0x9D,
  0xCD,
  0xCF,
  0xCB,
];

for (const model of ["8086", "80186"] as CpuModel[]) {
  Deno.test(`fast loop matches the general handlers (${model})`, () => {
    const rand = rng(model === "8086" ? 86 : 186);
    let cases = 0;
    for (const op of OPCODES) {
      for (const prefix of [0, 0x26, 0x2E, 0x36, 0x3E]) {
        for (let k = 0; k < 25; k++) {
          const ram = new Uint8Array(MEMORY);
          const words = new Uint32Array(ram.buffer);
          for (let i = 0; i < words.length; i++) words[i] = Math.floor(rand() * 0x100000000);
          // Random ModR/M and operand bytes follow the opcode; segments and registers are random too.
          let at = CODE;
          if (prefix !== 0) ram[at++] = prefix;
          ram[at++] = op;
          const { cpu: a, memory: ma } = makeCpu(model, ram);
          const { cpu: b, memory: mb } = makeCpu(model, ram);
          for (const c of [a, b]) {
            const r = rng(cases * 7919 + 1);
            for (let i = 0; i < 8; i++) c.regs[i] = Math.floor(r() * 0x10000);
            for (let i = 0; i < 4; i++) c.sregs[i] = Math.floor(r() * 0x10000);
            c.sregs[CS] = 0x0400;
            c.ip = CODE - 0x4000;
            c.setFlags(Math.floor(r() * 0x10000) & ~FLAG_TF);
          }
          a.step();
          general(b);
          const what = `${model} ${prefix ? prefix.toString(16) + " " : ""}${op.toString(16)} ${
            Array.from(ram.subarray(at, at + 5), (x) => x.toString(16)).join(" ")
          }`;
          assert.deepEqual(a.regs, b.regs, what);
          assert.deepEqual(a.sregs, b.sregs, what);
          assert.equal(a.ip, b.ip, what);
          assert.equal(a.flags, b.flags, what);
          assert.equal(a.cycles, b.cycles, what);
          assert.equal(a.instructions, b.instructions, what);
          const wa = new Uint32Array(ma.bytes.buffer);
          const wb = new Uint32Array(mb.bytes.buffer);
          let same = true;
          for (let i = 0; i < wa.length && same; i++) same = wa[i] === wb[i];
          assert.ok(same, `${what}: memory differs`);
          cases++;
        }
      }
    }
    assert.ok(cases > 5_000);
  });
}
