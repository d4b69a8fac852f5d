/**
 * Runs SingleStepTests 8086 v1 vectors (gzip JSON, one file per opcode or group
 * opcode/reg) against the CPU's 8086 model. One 1 MiB memory is reused: only the
 * bytes a test touched are cleared afterwards.
 */
import { gunzipSync } from "node:zlib";
import { Cpu } from "../../core/cpu/cpu.ts";
import { IoBus } from "../../core/io/io_bus.ts";
import { PagedMemory } from "../../core/memory/paged_memory.ts";
import { AX, BP, BX, CS, CX, DI, DS, DX, ES, SI, SP, SS } from "../../core/cpu/registers.ts";
import { SHARED_URL } from "./shared_dir.ts";

/** Where the 8086 vectors live. */
export const VECTORS_URL: URL = new URL("cpu-tests/8086/v1/", SHARED_URL);

interface VectorRegs {
  [name: string]: number;
}
interface VectorState {
  regs: VectorRegs;
  ram: [number, number][];
}
/** One test of a vector file. */
export interface Vector {
  name: string;
  bytes: number[];
  initial: VectorState;
  final: VectorState;
}

/** The first mismatch of a test. */
export interface Mismatch {
  test: string;
  index: number;
  field: string;
  expected: number;
  got: number;
}

/** Outcome of one vector file. */
export interface FileResult {
  opcode: string;
  passed: number;
  failed: number;
  first: Mismatch | null;
}

interface OpcodeMeta {
  status?: string;
  "flags-mask"?: number;
  reg?: { [reg: string]: OpcodeMeta };
}

/** Vector file stems ("00", "F6.6", ...) in file-name order. */
export function listVectorFiles(): string[] {
  const names: string[] = [];
  for (const e of Deno.readDirSync(VECTORS_URL)) {
    if (e.isFile && e.name.endsWith(".json.gz")) names.push(e.name.slice(0, -".json.gz".length));
  }
  return names.sort();
}

/** The FLAGS comparison mask per file stem, from metadata.json. */
export function loadFlagMasks(): Map<string, number> {
  const meta = JSON.parse(Deno.readTextFileSync(new URL("metadata.json", VECTORS_URL))) as {
    opcodes: { [op: string]: OpcodeMeta };
  };
  const masks = new Map<string, number>();
  for (const [op, m] of Object.entries(meta.opcodes)) {
    masks.set(op, m["flags-mask"] ?? 0xFFFF);
    if (m.reg !== undefined) {
      for (const [r, rm] of Object.entries(m.reg)) masks.set(`${op}.${r}`, rm["flags-mask"] ?? 0xFFFF);
    }
  }
  return masks;
}

/** Reads and parses one vector file. */
export function loadVectors(stem: string): Vector[] {
  const gz = Deno.readFileSync(new URL(`${stem}.json.gz`, VECTORS_URL));
  return JSON.parse(new TextDecoder().decode(gunzipSync(gz))) as Vector[];
}

const REG_NAMES: [string, "r" | "s", number][] = [
  ["ax", "r", AX],
  ["bx", "r", BX],
  ["cx", "r", CX],
  ["dx", "r", DX],
  ["sp", "r", SP],
  ["bp", "r", BP],
  ["si", "r", SI],
  ["di", "r", DI],
  ["cs", "s", CS],
  ["ss", "s", SS],
  ["ds", "s", DS],
  ["es", "s", ES],
];

/** A reusable 8086 test bench: one CPU and one memory for every vector. */
export class VectorBench {
  readonly memory = new PagedMemory(1 << 20);
  readonly cpu = new Cpu(this.memory, new IoBus(), { model: "8086" });

  /** Runs one vector; returns the first mismatch or null. */
  runOne(v: Vector, index: number, flagsMask: number): Mismatch | null {
    const { cpu, memory } = this;
    const mem = memory.bytes;
    cpu.reset();
    const ir = v.initial.regs;
    for (const [name, kind, i] of REG_NAMES) {
      if (kind === "r") cpu.regs[i] = ir[name];
      else cpu.sregs[i] = ir[name];
    }
    cpu.ip = ir.ip;
    cpu.setFlags(ir.flags);
    for (const [a, b] of v.initial.ram) mem[a] = b;
    let mismatch: Mismatch | null = null;
    try {
      cpu.step();
    } catch (e) {
      mismatch = { test: v.name, index, field: `exception ${e}`, expected: 0, got: 0 };
    }
    const fr = v.final.regs;
    const miss = (field: string, expected: number, got: number) => {
      if (mismatch === null) mismatch = { test: v.name, index, field, expected, got };
    };
    for (const [name, kind, i] of REG_NAMES) {
      const expected = fr[name] ?? ir[name];
      const got = kind === "r" ? cpu.regs[i] : cpu.sregs[i];
      if (got !== expected) miss(name, expected, got);
    }
    const ip = fr.ip ?? ir.ip;
    if (cpu.ip !== ip) miss("ip", ip, cpu.ip);
    const flags = fr.flags ?? ir.flags;
    if ((cpu.getFlags() & flagsMask) !== (flags & flagsMask)) miss("flags", flags, cpu.getFlags());
    for (const [a, b] of v.final.ram) {
      if (mem[a] !== b) miss(`ram[0x${a.toString(16)}]`, b, mem[a]);
    }
    for (const [a] of v.initial.ram) mem[a] = 0;
    for (const [a] of v.final.ram) mem[a] = 0;
    return mismatch;
  }

  /** Runs up to `limit` vectors of one file. */
  runFile(stem: string, flagsMask: number, limit = Infinity): FileResult {
    const vectors = loadVectors(stem);
    const result: FileResult = { opcode: stem, passed: 0, failed: 0, first: null };
    const n = Math.min(limit, vectors.length);
    for (let i = 0; i < n; i++) {
      const m = this.runOne(vectors[i], i, flagsMask);
      if (m === null) {
        result.passed++;
      } else {
        result.failed++;
        result.first ??= m;
      }
    }
    return result;
  }
}
