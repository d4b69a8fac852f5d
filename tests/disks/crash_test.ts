/**
 * Crash safety under SIGKILL: a child process (tests/fixtures/disk_crash_writer.ts) writes
 * to a differencing child (qcow2 over raw, VHD differencing over VHD) and reports each
 * write once flushed; the test kills it at seeded points. After every kill the image
 * checks consistent (leaks allowed, corruption not), every reported write reads back
 * (the write in flight may have landed wholly, partly or not at all), and the parent is
 * unchanged.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createImage, openDisk } from "../../disks/open.ts";
import { checkDisk } from "../../disks/ops/check.ts";
import { crashWrite, sectorPattern } from "../fixtures/disk_crash_pattern.ts";
import { hashFile, prng } from "../fuzz/disk_fuzz.ts";

const KILLS = 12;
const DISK_BYTES = 4 * 1024 * 1024;
const WRITER = new URL("../fixtures/disk_crash_writer.ts", import.meta.url).pathname;

/** Runs the writer from write `first` until it has reported `stopAfter` writes, then SIGKILLs it. */
async function runAndKill(path: string, first: number, stopAfter: number): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WRITER, path, String(first)],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const decoder = new TextDecoder();
  let text = "";
  let killed = false;
  for await (const chunk of child.stdout) {
    text += decoder.decode(chunk, { stream: true });
    if (!killed && text.split("\n").length - 1 >= stopAfter) {
      child.kill("SIGKILL");
      killed = true;
    }
  }
  await child.status;
  const done = text.split("\n").filter((l) => l.startsWith("done ")).map((l) => Number(l.slice(5)));
  return done.length > 0 ? done[done.length - 1] : first - 1;
}

/** Checks the disk against the model: owner[s] = index of the last reported write of sector s, or -1. */
function verify(path: string, owner: Int32Array, parent: Uint8Array, inFlight: number): void {
  const report = checkDisk(path);
  assert.deepEqual(report.errors, [], `check after the kill: ${report.errors.join("; ")}`);
  const chain = openDisk(path, { readOnly: true });
  try {
    const sectors = chain.sectorCount;
    const actual = new Uint8Array(sectors * 512);
    chain.read(0, sectors, actual);
    const flight = crashWrite(inFlight, sectors);
    const expect = new Uint8Array(512);
    for (let s = 0; s < sectors; s++) {
      const got = actual.subarray(s * 512, s * 512 + 512);
      if (owner[s] >= 0) sectorPattern(owner[s], s, expect);
      else expect.set(parent.subarray(s * 512, s * 512 + 512));
      if (sameBytes(got, expect)) continue;
      if (s >= flight.lba && s < flight.lba + flight.count) {
        sectorPattern(inFlight, s, expect);
        if (sameBytes(got, expect)) continue;
      }
      assert.fail(`sector ${s}: expected write ${owner[s]} (or in-flight ${inFlight}), found other data`);
    }
  } finally {
    chain.close();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function crashRun(kind: "qcow2" | "vhd", seed: number): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: `tty86-crash-${kind}-` });
  try {
    const base = join(dir, kind === "qcow2" ? "base.img" : "base.vhd");
    const child = join(dir, `child.${kind}`);
    createImage(base, { size: DISK_BYTES, ...(kind === "vhd" ? { type: "dynamic" as const } : {}) });
    const setup = openDisk(base);
    const sectors = setup.sectorCount;
    for (let lba = 0; lba < sectors; lba += 512) setup.write(lba, 8, new Uint8Array(4096).fill(0xa5));
    setup.flush();
    setup.close();
    createImage(child, { parent: base, format: kind });
    const parentBytes = new Uint8Array(sectors * 512);
    const reader = openDisk(base, { readOnly: true });
    reader.read(0, sectors, parentBytes);
    reader.close();
    const parentHash = hashFile(base);

    const rand = prng(seed);
    const owner = new Int32Array(sectors).fill(-1);
    let next = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const last = await runAndKill(child, next, 1 + Math.floor(rand() * 25));
      for (let i = next; i <= last; i++) {
        const w = crashWrite(i, sectors);
        owner.fill(i, w.lba, w.lba + w.count);
      }
      verify(child, owner, parentBytes, last + 1);
      assert.equal(hashFile(base), parentHash, "the parent never changes");
      // The next run redoes the write that was in flight, so the model stays exact.
      next = last + 1;
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("crash: SIGKILL during writes to a qcow2 child over raw loses no reported write", async () => {
  await crashRun("qcow2", 7);
});

Deno.test("crash: SIGKILL during writes to a VHD differencing child loses no reported write", async () => {
  await crashRun("vhd", 11);
});
