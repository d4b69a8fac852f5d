/** Helpers shared by the qcow2 tests: a seeded PRNG, QEMU tool runners and flattening. */
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import type { DiskLayer } from "../../disks/layer.ts";
import { hasTool } from "./test_helpers.ts";

/** Why QEMU-dependent tests are skipped, or false when the tools are installed. */
export const NO_QEMU: false | string = hasTool("qemu-img") && hasTool("qemu-io")
  ? false
  : "qemu-img/qemu-io not installed (Debian: qemu-utils); skipping QEMU interop";

/** Runs a command; returns exit code and output without throwing. */
export function runTool(cmd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).outputSync();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: r.code, stdout: decode(r.stdout), stderr: decode(r.stderr) };
}

/** `qemu-img check --output=json`, with its exit code. */
export function qemuCheck(path: string): { code: number; leaks: number; corruptions: number; text: string } {
  const r = runTool("qemu-img", ["check", "--output=json", path]);
  let leaks = -1;
  let corruptions = -1;
  try {
    const json = JSON.parse(r.stdout) as { leaks?: number; corruptions?: number };
    leaks = json.leaks ?? 0;
    corruptions = json.corruptions ?? 0;
  } catch {
    // Not JSON: leave -1 so assertions fail with the text shown.
  }
  return { code: r.code, leaks, corruptions, text: r.stdout + r.stderr };
}

/** A deterministic PRNG (xorshift32) so failures reproduce. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** Bytes filled from a PRNG. */
export function randomBytes(next: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (next() * 256) | 0;
  return out;
}

/** Overlays a layer's present sectors onto `base` (a flat image of the same size). */
export function overlay(base: Uint8Array, layer: DiskLayer): Uint8Array {
  const out = base.slice();
  for (let lba = 0; lba < layer.sectorCount;) {
    const run = layer.allocationRun(lba, layer.sectorCount - lba);
    const n = Math.abs(run);
    if (run > 0) layer.readOwn(lba, n, out.subarray(lba * SECTOR_SIZE, (lba + n) * SECTOR_SIZE));
    lba += n;
  }
  return out;
}

/** Reads every sector of a block device. */
export function readAll(
  device: { sectorCount: number; read(lba: number, count: number, into: Uint8Array): void },
): Uint8Array {
  const out = new Uint8Array(device.sectorCount * SECTOR_SIZE);
  device.read(0, device.sectorCount, out);
  return out;
}

/** Asserts two byte arrays are equal, naming the first differing sector (not dumping megabytes). */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, label = "content"): void {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      throw new Error(`${label}: first difference in sector ${Math.floor(i / SECTOR_SIZE)} (byte ${i})`);
    }
  }
}
