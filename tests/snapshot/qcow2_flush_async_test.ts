/**
 * Qcow2Image.flushAsync: the same crash-safe commit as flush (instrumented file ops: the
 * same writes at the same offsets, the same syncs between them, in the same order), the
 * caller's thread never waits on an fsync, writes are refused while it runs, a crash
 * image at every sync boundary of the async commit checks clean and reads old or new.
 */
import assert from "node:assert/strict";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import type { FileOp } from "../../disks/host_file.ts";
import { checkQcow2, createQcow2, openQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { DiskError } from "../../disks/errors.ts";

const SIZE = 4 * 1024 * 1024;

function bytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Writes spread over the disk so the commit has refcount blocks, new L2 tables and L1 entries. */
const TARGETS: [number, number][] = [[2, 3], [100, 40], [3000, 700], [5000, 300], [7001, 2], [6000, 1]];

function makeImage(path: string): void {
  createQcow2(path, { size: SIZE, clusterBits: 9, refcountOrder: 4 });
}

type Logged = FileOp & { data?: Uint8Array };

/** Opens `path` with a recording observer, writes TARGETS, returns the image and the op log. */
function writeAll(path: string) {
  const log: Logged[] = [];
  const reader = Deno.openSync(path, { read: true });
  const image = openQcow2(path, {
    readOnly: false,
    cacheBytes: 64 * 1024 * 1024, // nothing committed before the flush
    fileObserver: (op) => {
      if (op.kind === "write") {
        const data = new Uint8Array(op.length);
        reader.seekSync(op.offset, Deno.SeekMode.Start);
        let done = 0;
        while (done < data.length) done += reader.readSync(data.subarray(done)) ?? data.length;
        log.push({ ...op, data });
      } else log.push(op);
    },
  });
  TARGETS.forEach(([lba, count], i) => image.write(lba, count, bytes(i + 1, count * SECTOR_SIZE)));
  return { image, log, reader };
}

function shape(ops: readonly Logged[]): string[] {
  return ops.map((o) => o.kind === "write" ? `w${o.offset}+${o.length}` : o.kind);
}

Deno.test("flushAsync issues exactly flush's writes and syncs in the same order, and refuses writes meanwhile", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tty86-flushasync-" });
  try {
    makeImage(`${dir}/a.qcow2`);
    makeImage(`${dir}/b.qcow2`);
    const a = writeAll(`${dir}/a.qcow2`);
    const b = writeAll(`${dir}/b.qcow2`);
    const aStart = a.log.length, bStart = b.log.length;
    a.image.flush();
    const pending = b.image.flushAsync();
    assert.equal(b.image.flushing, true);
    // The first fsync has not completed yet: the caller did not wait for it.
    assert.ok(!b.log.slice(bStart).some((o) => o.kind === "sync"), "returned before any sync completed");
    assert.throws(() => b.image.write(0, 1, new Uint8Array(SECTOR_SIZE)), DiskError);
    assert.equal(b.image.flushAsync(), pending, "a second call joins the first");
    await pending;
    assert.equal(b.image.flushing, false);
    const syncOps = shape(a.log.slice(aStart)), asyncOps = shape(b.log.slice(bStart));
    assert.ok(syncOps.filter((s) => s === "sync").length >= 4, syncOps.join(" "));
    assert.deepEqual(asyncOps, syncOps);
    // A clean flush does no I/O.
    const n = b.log.length;
    await b.image.flushAsync();
    b.image.flush();
    assert.equal(b.log.length, n);
    a.image.close();
    b.image.close();
    a.reader.close();
    b.reader.close();
    assert.deepEqual(Deno.readFileSync(`${dir}/a.qcow2`), Deno.readFileSync(`${dir}/b.qcow2`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("flushAsync: a crash at any sync boundary (all or none of the epoch's writes) checks clean", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tty86-flushasync-" });
  try {
    const path = `${dir}/c.qcow2`;
    makeImage(path);
    const before = Deno.readFileSync(path);
    const run = writeAll(path);
    // Data writes happened before the flush; everything up to here is one epoch.
    const start = run.log.length;
    const closing = run.image.flushAsync();
    run.image.close(); // deferred until the flush ends
    await closing;
    run.reader.close();
    const epochs: Logged[][] = [run.log.slice(0, start).filter((o) => o.kind === "write")];
    for (const op of run.log.slice(start)) {
      if (op.kind === "sync") epochs.push([]);
      else epochs[epochs.length - 1].push(op);
    }
    let image = before;
    const crashPath = `${dir}/crash.qcow2`;
    for (const [e, writes] of epochs.entries()) {
      let end = image.length;
      for (const w of writes) if (w.kind === "write") end = Math.max(end, w.offset + w.length);
      const next = new Uint8Array(end);
      next.set(image);
      for (const w of writes) if (w.kind === "write" && w.data) next.set(w.data, w.offset);
      for (const [label, state] of [["none", image], ["all", next]] as const) {
        Deno.writeFileSync(crashPath, state);
        const result = checkQcow2(crashPath, { repair: false });
        assert.deepEqual(result.errors, [], `epoch ${e}, ${label} of its writes`);
      }
      image = next;
    }
    // The final image reads what was written.
    const done = openQcow2(path, { readOnly: true });
    TARGETS.forEach(([lba, count], i) => {
      const got = new Uint8Array(count * SECTOR_SIZE);
      done.read(lba, count, got);
      assert.deepEqual(got, bytes(i + 1, count * SECTOR_SIZE));
    });
    done.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
