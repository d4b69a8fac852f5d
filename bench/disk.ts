/**
 * Disk benchmark: sequential and random 4 KiB read throughput through chains of depth 1
 * (the flat image), 8 and 64, for VHD and qcow2, each as a ratio to the flat image of
 * the same format; and the time of `tty86 disk convert` (the library function) of a
 * 64-deep qcow2 chain to raw, as a ratio to `qemu-img convert -O raw` of the same chain
 * measured in the same run. Chains are built in a temp dir with the data spread across
 * every layer. The last line printed is one JSON object.
 *
 * @example
 * ```sh
 * deno task bench:disk
 * ```
 */
import { join } from "node:path";
import type { DiskChain } from "../disks/chain.ts";
import type { ImageFormat } from "../disks/layer.ts";
import { createImage, openDisk } from "../disks/open.ts";
import { convertDisk } from "../disks/ops/convert.ts";

const DISK_BYTES = 64 * 1024 * 1024;
const SECTORS = DISK_BYTES / 512;
/** Data is assigned to layers in 64 KiB chunks (one qcow2 cluster). */
const CHUNK_SECTORS = 128;
const CHUNKS = SECTORS / CHUNK_SECTORS;
const READ_SECTORS = 8; // 4 KiB
const RANDOM_READS = 32768;
const REPEATS = 3;
/** Rounds of best-of timing: a pass takes ~20-80 ms, so more rounds cost little and tame shared-core noise. */
const ROUNDS = 15;
const DEPTHS = [1, 8, 64] as const;
const FORMATS = ["vhd", "qcow2"] as const;

/**
 * Which layer holds chunk `k` in a chain of `depth`. qcow2 layers interleave finely (any
 * chunk can be in any layer); VHD layers get contiguous stretches, because each layer that
 * touches a 2 MiB VHD block stores the whole block on the host.
 */
function layerOf(format: ImageFormat, k: number, depth: number): number {
  if (depth === 1) return 0;
  if (format === "qcow2") return (Math.floor(k / 4) * 37 + k) % depth;
  return Math.floor((k * depth) / CHUNKS);
}

function chunkData(k: number): Uint8Array {
  const bytes = new Uint8Array(CHUNK_SECTORS * 512);
  const words = new Uint32Array(bytes.buffer);
  for (let i = 0; i < words.length; i++) words[i] = Math.imul(k + 1, 2654435761) ^ i;
  return bytes;
}

/** Builds a chain of `depth` layers (base first) and returns the top's path. */
function buildChain(dir: string, format: ImageFormat, depth: number): string {
  const ext = format;
  const base = join(dir, `${format}-d${depth}-0.${ext}`);
  createImage(base, { format, size: DISK_BYTES });
  const chain = openDisk(base);
  let top = base;
  try {
    for (let layer = 0; layer < depth; layer++) {
      if (layer > 0) {
        top = join(dir, `${format}-d${depth}-${layer}.${ext}`);
        chain.pushChild(top, format);
      }
      for (let k = 0; k < CHUNKS; k++) {
        if (layerOf(format, k, depth) === layer) chain.write(k * CHUNK_SECTORS, CHUNK_SECTORS, chunkData(k));
      }
    }
    chain.flush();
  } finally {
    chain.close();
  }
  return top;
}

/** Best-of-REPEATS seconds for `run`. */
function best(run: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, (performance.now() - start) / 1000);
  }
  return fastest;
}

function seqRead(chain: DiskChain): void {
  const buffer = new Uint8Array(READ_SECTORS * 512);
  for (let lba = 0; lba < SECTORS; lba += READ_SECTORS) chain.read(lba, READ_SECTORS, buffer);
}

function randomRead(chain: DiskChain): void {
  const buffer = new Uint8Array(READ_SECTORS * 512);
  let seed = 12345;
  for (let i = 0; i < RANDOM_READS; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const lba = (seed % (SECTORS / READ_SECTORS)) * READ_SECTORS;
    chain.read(lba, READ_SECTORS, buffer);
  }
}

interface ReadResult {
  seq_mib_s: number;
  random_mib_s: number;
}

/**
 * Measures every chain in rounds (each round reads every chain once), so JIT warm-up and
 * background load affect all depths alike; keeps each chain's best time.
 */
function measureReads(tops: readonly string[]): ReadResult[] {
  const chains = tops.map((top) => openDisk(top, { readOnly: true }));
  try {
    for (const chain of chains) {
      seqRead(chain); // warm the host page cache, the format caches and the JIT
      randomRead(chain);
    }
    const seq = chains.map(() => Infinity);
    const rnd = chains.map(() => Infinity);
    const time = (run: () => void) => {
      const start = performance.now();
      run();
      return (performance.now() - start) / 1000;
    };
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts at a different chain, so no chain always runs first (after the
      // previous round's last one) or last.
      for (let k = 0; k < chains.length; k++) {
        const i = (round + k) % chains.length;
        const chain = chains[i];
        seq[i] = Math.min(seq[i], time(() => seqRead(chain)));
        rnd[i] = Math.min(rnd[i], time(() => randomRead(chain)));
      }
    }
    const mib = (bytes: number, s: number) => Math.round((bytes / 1024 / 1024 / s) * 10) / 10;
    return chains.map((_, i) => ({
      seq_mib_s: mib(DISK_BYTES, seq[i]),
      random_mib_s: mib(RANDOM_READS * READ_SECTORS * 512, rnd[i]),
    }));
  } finally {
    for (const chain of chains) chain.close();
  }
}

function hasQemuImg(): boolean {
  try {
    return new Deno.Command("qemu-img", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function main(): void {
  const dir = Deno.makeTempDirSync({ prefix: "tty86-bench-disk-" });
  const details: Record<string, unknown> = {};
  const ratios: Record<string, { seq: number; random: number }> = {};
  let qcow2Deep = "";
  try {
    const cases = FORMATS.flatMap((format) => DEPTHS.map((depth) => ({ format, depth })));
    const tops = cases.map(({ format, depth }) => buildChain(dir, format, depth));
    qcow2Deep = tops[cases.findIndex((c) => c.format === "qcow2" && c.depth === 64)];
    const results = measureReads(tops);
    cases.forEach(({ format, depth }, i) => {
      const r = results[i];
      const flat = results[cases.findIndex((c) => c.format === format && c.depth === 1)];
      const seqRatio = round(r.seq_mib_s / flat.seq_mib_s);
      const rndRatio = round(r.random_mib_s / flat.random_mib_s);
      details[`${format}_depth${depth}`] = { ...r, seq_ratio: seqRatio, random_ratio: rndRatio };
      ratios[`${format}_${depth}`] = { seq: seqRatio, random: rndRatio };
      console.log(
        `${format} depth ${String(depth).padStart(2)}: sequential ${r.seq_mib_s} MiB/s (×${seqRatio}), ` +
          `random 4K ${r.random_mib_s} MiB/s (×${rndRatio})`,
      );
    });

    const ours = best(() => {
      const out = join(dir, "ours.img");
      try {
        Deno.removeSync(out);
      } catch {
        // first run: nothing to remove
      }
      convertDisk(qcow2Deep, out, { format: "raw" });
    });
    let qemu: number | null = null;
    if (hasQemuImg()) {
      qemu = best(() => {
        const out = join(dir, "qemu.img");
        const r = new Deno.Command("qemu-img", {
          args: ["convert", "-f", "qcow2", "-O", "raw", qcow2Deep, out],
          stdout: "null",
          stderr: "piped",
        }).outputSync();
        if (!r.success) throw new Error(`qemu-img convert failed: ${new TextDecoder().decode(r.stderr)}`);
      });
    } else {
      console.log("qemu-img is not installed: convert_vs_qemu_img is null");
    }
    console.log(
      `convert of a 64-deep qcow2 chain to raw: tty86 ${round(ours)} s, qemu-img ${
        qemu === null ? "n/a" : `${round(qemu)} s`
      }`,
    );
    const worst = (depth: number, kind: "seq" | "random") =>
      Math.min(...FORMATS.map((f) => ratios[`${f}_${depth}`][kind]));
    console.log(JSON.stringify({
      depth64_seq_read_ratio: worst(64, "seq"),
      depth64_random_read_ratio: worst(64, "random"),
      depth8_seq_read_ratio: worst(8, "seq"),
      depth8_random_read_ratio: worst(8, "random"),
      convert_vs_qemu_img: qemu === null ? null : round(ours / qemu),
      convert_seconds: round(ours),
      qemu_img_convert_seconds: qemu === null ? null : round(qemu),
      disk_bytes: DISK_BYTES,
      ...details,
    }));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

main();
