/**
 * Seeded fuzzing of the disk formats: valid images of each kind (VHD fixed, dynamic and
 * differencing; qcow2 v2 and v3; qcow2 children over raw and qcow2) have their headers
 * and tables mutated (bit flips, extreme field values, truncation and extension), then
 * are opened, read, written, flushed and checked. Every case must end in success or a
 * one-line error that is not a programming error (TypeError, RangeError, …), and must
 * never change a parent file. Used by tests/disks/fuzz_test.ts (short) and run.ts (long).
 */
import { join } from "node:path";
import { openChain } from "../../disks/chain.ts";
import { DiskError } from "../../disks/errors.ts";
import { createImage, openDisk } from "../../disks/open.ts";
import { createQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { checkDisk } from "../../disks/ops/check.ts";

/** A valid image to mutate: its top file and the parent files that must never change. */
interface Template {
  readonly name: string;
  readonly top: string;
  readonly parents: readonly string[];
}

/** The result of a run. */
export interface FuzzReport {
  readonly cases: number;
  readonly succeeded: number;
  readonly rejected: number;
  /** One line per case that crashed, wrote to a parent, or gave a bad message. */
  readonly failures: string[];
  /** The slowest case, to spot near-hangs. */
  readonly slowest: { readonly label: string; readonly ms: number };
}

const PROGRAMMING_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];
/** Reads and writes per case are bounded so a huge (hostile) virtual size cannot make a case run long. */
const READS_PER_CASE = 24;
const WRITES_PER_CASE = 6;
const EXTREMES = [0, 1, 0x7f, 0xff, 0x1ff, 0x7fffffff, 0xffffffff, 0x80000000, 0x10000, 0x200];

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the file's bytes: fast enough to hash every parent around every case. */
export function hashFile(path: string): string {
  const bytes = Deno.readFileSync(path);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}

function fill(path: string, sectors: number[], seed: number): void {
  const chain = openDisk(path);
  try {
    for (const lba of sectors) chain.write(lba, 8, new Uint8Array(4096).fill((lba + seed) & 0xff | 1));
    chain.flush();
  } finally {
    chain.close();
  }
}

/** Builds the valid templates in `dir`. */
export function buildTemplates(dir: string): Template[] {
  const p = (n: string) => join(dir, n);
  const MiB = 1024 * 1024;
  createImage(p("fixed.vhd"), { size: MiB, type: "fixed" });
  fill(p("fixed.vhd"), [0, 100, 1000], 1);
  createImage(p("dynamic.vhd"), { size: 6 * MiB });
  fill(p("dynamic.vhd"), [0, 5000, 9000], 2);
  createImage(p("diff.vhd"), { parent: p("dynamic.vhd") });
  fill(p("diff.vhd"), [8, 4100], 3);
  createQcow2(p("v2.qcow2"), { size: 2 * MiB, version: 2, clusterBits: 12 });
  fill(p("v2.qcow2"), [0, 64, 3000], 4);
  createQcow2(p("v3.qcow2"), { size: 2 * MiB, clusterBits: 12 });
  fill(p("v3.qcow2"), [0, 72, 2000], 5);
  createImage(p("base.img"), { size: MiB });
  fill(p("base.img"), [0, 1000], 6);
  createQcow2(p("over-raw.qcow2"), {
    size: MiB,
    backingFile: "base.img",
    backingFormat: "raw",
    clusterBits: 12,
  });
  fill(p("over-raw.qcow2"), [16, 1500], 7);
  createQcow2(p("over-qcow2.qcow2"), {
    size: 2 * MiB,
    backingFile: "v3.qcow2",
    backingFormat: "qcow2",
    clusterBits: 12,
  });
  fill(p("over-qcow2.qcow2"), [8, 2500], 8);
  return [
    { name: "vhd-fixed", top: p("fixed.vhd"), parents: [] },
    { name: "vhd-dynamic", top: p("dynamic.vhd"), parents: [] },
    { name: "vhd-differencing", top: p("diff.vhd"), parents: [p("dynamic.vhd")] },
    { name: "qcow2-v2", top: p("v2.qcow2"), parents: [] },
    { name: "qcow2-v3", top: p("v3.qcow2"), parents: [] },
    { name: "qcow2-over-raw", top: p("over-raw.qcow2"), parents: [p("base.img")] },
    { name: "qcow2-over-qcow2", top: p("over-qcow2.qcow2"), parents: [p("v3.qcow2")] },
  ];
}

/** Mutates `bytes` (a copy of a valid image); returns the new bytes and a description. */
function mutate(bytes: Uint8Array, rand: () => number): { bytes: Uint8Array; what: string } {
  const int = (n: number) => Math.floor(rand() * n);
  const offset = (): number => {
    const r = rand();
    if (r < 0.45) return int(Math.min(bytes.length, 1024)); // headers (qcow2 header; VHD footer copy + header)
    if (r < 0.6) return Math.max(0, bytes.length - 512 + int(512)); // VHD trailing footer
    if (r < 0.8) return int(Math.min(bytes.length, 32768)); // early tables (refcounts, L1, BAT, locators)
    return int(bytes.length);
  };
  const kind = int(10);
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  if (kind < 4) {
    const flips: number[] = [];
    for (let i = 0, n = 1 + int(8); i < n; i++) {
      const at = offset();
      out[at] ^= 1 << int(8);
      flips.push(at);
    }
    return { bytes: out, what: `flip bits at ${flips.join(",")}` };
  }
  if (kind < 8) {
    const width = rand() < 0.5 ? 4 : 8;
    const at = Math.min(offset() & ~(width - 1), out.length - width);
    const value = EXTREMES[int(EXTREMES.length)];
    if (width === 4) view.setUint32(at, value);
    else view.setBigUint64(at, rand() < 0.5 ? BigInt(value) : BigInt(value) << 20n);
    return {
      bytes: out,
      what: `set u${width * 8} at ${at} to ${value}${width === 8 ? " (maybe <<20)" : ""}`,
    };
  }
  if (kind === 8) {
    const length = int(bytes.length);
    return { bytes: bytes.slice(0, length), what: `truncate to ${length}` };
  }
  const grown = new Uint8Array(bytes.length + 512 * (1 + int(64)));
  grown.set(bytes);
  return { bytes: grown, what: `extend to ${grown.length}` };
}

/** Whether a thrown value is an acceptable, clear error. */
function acceptable(e: unknown): string | null {
  if (!(e instanceof Error)) return `threw a non-Error: ${String(e)}`;
  if (PROGRAMMING_ERRORS.some((k) => e instanceof k)) return `${e.name}: ${e.message}`;
  if (e.message.includes("\n")) return `multi-line message: ${JSON.stringify(e.message)}`;
  if (!(e instanceof DiskError) && e.message.length === 0) return "empty error message";
  return null;
}

/** Runs one case; returns a failure line or null, and whether the image was rejected. */
function runCase(
  template: Template,
  dir: string,
  seed: number,
): { failure: string | null; rejected: boolean } {
  const rand = prng(seed);
  const original = Deno.readFileSync(template.top);
  const mutation = mutate(original, rand);
  const ext = template.top.endsWith(".vhd") ? "vhd" : "qcow2";
  const path = join(dir, `case.${ext}`);
  Deno.writeFileSync(path, mutation.bytes);
  const before = template.parents.map(hashFile);
  const label = `seed ${seed} ${template.name}: ${mutation.what}`;
  let rejected = false;
  try {
    const chain = openChain(path);
    try {
      const sectors = chain.sectorCount;
      const buffer = new Uint8Array(16 * 512);
      for (let i = 0; i < READS_PER_CASE; i++) {
        const lba = i < 8 ? Math.min(i * 16, Math.max(0, sectors - 16)) : Math.floor(rand() * sectors);
        const n = Math.min(1 + Math.floor(rand() * 16), sectors - lba);
        if (n > 0) chain.read(lba, n, buffer);
      }
      for (let i = 0; i < WRITES_PER_CASE; i++) {
        const lba = Math.floor(rand() * sectors);
        const n = Math.min(1 + Math.floor(rand() * 16), sectors - lba);
        if (n > 0) chain.write(lba, n, buffer.fill(i + 1));
      }
      chain.flush();
    } finally {
      chain.close();
    }
  } catch (e) {
    rejected = true;
    const bad = acceptable(e);
    if (bad) return { failure: `${label} → open/read/write: ${bad}`, rejected };
  }
  try {
    checkDisk(path, { repair: rand() < 0.5 });
  } catch (e) {
    rejected = true;
    const bad = acceptable(e);
    if (bad) return { failure: `${label} → check: ${bad}`, rejected };
  }
  const after = template.parents.map(hashFile);
  if (before.some((h, i) => h !== after[i])) return { failure: `${label} → a parent file changed`, rejected };
  return { failure: null, rejected };
}

/** Runs `cases` seeded cases (seeds `firstSeed`…) over fresh templates in a temp dir. */
export function runDiskFuzz(firstSeed: number, cases: number, onCase?: (done: number) => void): FuzzReport {
  const dir = Deno.makeTempDirSync({ prefix: "tty86-fuzz-" });
  try {
    const templates = buildTemplates(dir);
    const failures: string[] = [];
    let succeeded = 0;
    let rejected = 0;
    let slowest = { label: "", ms: 0 };
    for (let i = 0; i < cases; i++) {
      const seed = firstSeed + i;
      const template = templates[seed % templates.length];
      const start = performance.now();
      const r = runCase(template, dir, seed);
      const ms = performance.now() - start;
      if (ms > slowest.ms) slowest = { label: `seed ${seed} ${template.name}`, ms: Math.round(ms) };
      if (r.failure) failures.push(r.failure);
      else if (r.rejected) rejected++;
      else succeeded++;
      onCase?.(i + 1);
    }
    return { cases, succeeded, rejected, failures, slowest };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
