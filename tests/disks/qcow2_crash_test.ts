/**
 * Crash safety: every write and sync tty86 issues is recorded (through the host file's
 * observer), then crash images are rebuilt from prefixes of that log — with all, none,
 * single and random subsets of the writes since the last sync, since a disk may persist
 * unsynced writes in any order. Every crash image must check without corruption (leaks
 * are allowed) and read each sector as either its old or its new content.
 */
import assert from "node:assert/strict";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import type { FileOp } from "../../disks/host_file.ts";
import { parseHeader } from "../../disks/formats/qcow2/header.ts";
import { checkQcow2, createQcow2, openQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { prng, randomBytes, readAll } from "./qcow2_helpers.ts";
import { withTempDir } from "./test_helpers.ts";

const SIZE = 4 * 1024 * 1024;
const SECTORS = SIZE / SECTOR_SIZE;

interface Recorded {
  readonly offset: number;
  readonly data: Uint8Array;
}

/** Write log split at syncs: epochs[i] holds the writes between sync i-1 and sync i. */
function record(path: string, body: (observer: (op: FileOp) => void) => void): Recorded[][] {
  const reader = Deno.openSync(path, { read: true });
  const epochs: Recorded[][] = [[]];
  try {
    body((op) => {
      if (op.kind === "sync") epochs.push([]);
      else if (op.kind === "write") {
        const data = new Uint8Array(op.length);
        reader.seekSync(op.offset, Deno.SeekMode.Start);
        let done = 0;
        while (done < data.length) done += reader.readSync(data.subarray(done)) ?? data.length;
        epochs[epochs.length - 1].push({ offset: op.offset, data });
      } else throw new Error(`unexpected ${op.kind} while writing`);
    });
  } finally {
    reader.close();
  }
  return epochs;
}

function sameSector(a: Uint8Array, b: Uint8Array, at: number): boolean {
  for (let i = at; i < at + SECTOR_SIZE; i++) if (a[i] !== b[i]) return false;
  return true;
}

function apply(image: Uint8Array, writes: readonly Recorded[]): Uint8Array {
  let end = image.length;
  for (const w of writes) end = Math.max(end, w.offset + w.data.length);
  const out = new Uint8Array(end);
  out.set(image);
  for (const w of writes) out.set(w.data, w.offset);
  return out;
}

Deno.test("qcow2 crash at any point of a write sequence leaves no corruption and only old or new sector contents", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/disk.qcow2`;
    // Tiny clusters and 64-bit refcounts so that the sequence creates L2 tables, refcount blocks and relocates the table.
    createQcow2(path, { size: SIZE, clusterBits: 9, refcountOrder: 6 });
    const next = prng(99);
    const prefill = openQcow2(path, { readOnly: false });
    for (let lba = 0; lba < 3900; lba += 8) prefill.write(lba, 7, randomBytes(next, 7 * SECTOR_SIZE));
    prefill.close();
    const initial = Deno.readFileSync(path);
    const tableBefore = parseHeader(initial, initial.length, path).refcountTableOffset;
    const oldImage = openQcow2(path, { readOnly: true });
    const oldContent = readAll(oldImage);
    oldImage.close();

    const newContent = oldContent.slice();
    const epochs = record(path, (observer) => {
      const image = openQcow2(path, { readOnly: false, fileObserver: observer, cacheBytes: 2048 });
      // Disjoint targets: in-place overwrites, partial writes into fresh clusters, far-away allocations.
      const targets = [[2, 3], [9, 1], [100, 40], [3000, 700], [5000, 300], [7001, 2], [4100, 400], [
        6000,
        1,
      ]];
      targets.forEach(([lba, count], i) => {
        const data = randomBytes(next, count * SECTOR_SIZE);
        image.write(lba, count, data);
        newContent.set(data, lba * SECTOR_SIZE);
        if (i % 3 === 2) image.flush();
      });
      image.close();
    });
    const final = apply(initial, epochs.flat());
    assert.notEqual(
      parseHeader(final, final.length, path).refcountTableOffset,
      tableBefore,
      "sequence relocates the table",
    );
    assert.ok(epochs.length > 6, "the sequence syncs between its steps");

    const crashPath = `${dir}/crash.qcow2`;
    let states = 0;
    const verify = (bytes: Uint8Array, label: string) => {
      states++;
      Deno.writeFileSync(crashPath, bytes);
      const result = checkQcow2(crashPath, { repair: false });
      assert.deepEqual(result.errors, [], label);
      const image = openQcow2(crashPath, { readOnly: true });
      const content = readAll(image);
      image.close();
      for (let s = 0; s < SECTORS; s++) {
        const at = s * SECTOR_SIZE;
        const ok = sameSector(content, oldContent, at) || sameSector(content, newContent, at);
        if (!ok) assert.fail(`${label}: sector ${s} is neither old nor new`);
      }
    };

    const pick = prng(5);
    let durable: Uint8Array = initial;
    epochs.forEach((writes, e) => {
      verify(apply(durable, []), `epoch ${e}, none of its ${writes.length} writes`);
      const singles = writes.length <= 6 ? writes : writes.filter(() => pick() < 6 / writes.length);
      singles.forEach((w) => verify(apply(durable, [w]), `epoch ${e}, only the write at ${w.offset}`));
      if (writes.length > 2) {
        verify(apply(durable, writes.filter(() => pick() < 0.5)), `epoch ${e}, random subset`);
      }
      durable = apply(durable, writes);
    });
    verify(durable, "after close");
    assert.ok(states > 20);

    // Leaks that a crash leaves are repairable, and the repaired image is clean.
    Deno.writeFileSync(crashPath, apply(initial, epochs.slice(0, 3).flat()));
    const repaired = checkQcow2(crashPath, { repair: true });
    assert.deepEqual(repaired.errors, []);
    assert.deepEqual(checkQcow2(crashPath, { repair: false }), {
      errors: [],
      warnings: [],
      leakedClusters: 0,
      repaired: [],
    });
  });
});

Deno.test("qcow2 writes the L2 entry for a new cluster only after the data and its refcount are synced", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/d.qcow2`;
    createQcow2(path, { size: SIZE, clusterBits: 12 });
    const layoutBytes = Deno.statSync(path).size;
    const ops: FileOp[] = [];
    const image = openQcow2(path, { readOnly: false, fileObserver: (op) => ops.push(op) });
    image.write(8, 8, new Uint8Array(8 * SECTOR_SIZE).fill(7));
    image.flush();
    image.close();
    // The new L2 table and data cluster lie past the original end of file; the L1 and refcount block inside.
    const writes = ops.map((op, i) => ({ op, i })).filter((x) => x.op.kind === "write");
    const firstSyncAfter = (i: number) => ops.findIndex((op, j) => j > i && op.kind === "sync");
    const fresh = writes.filter((x) => x.op.kind === "write" && x.op.offset >= layoutBytes);
    assert.equal(fresh.length, 2, "one data cluster and one L2 table");
    const [data, l2] = fresh.sort((a, b) => a.i - b.i);
    assert.ok(firstSyncAfter(data.i) < l2.i, "data synced before the L2 table is written");
    const l1 = writes.find((x) => x.op.kind === "write" && x.op.offset < layoutBytes && x.i > l2.i);
    assert.ok(l1 && firstSyncAfter(l2.i) < l1.i, "L2 table synced before the L1 entry is written");
    const refcountWrite = writes.find((x) => x.op.kind === "write" && x.op.offset < layoutBytes);
    assert.ok(
      refcountWrite && refcountWrite.i < l2.i && firstSyncAfter(refcountWrite.i) < l2.i,
      "refcounts first",
    );
  });
});
