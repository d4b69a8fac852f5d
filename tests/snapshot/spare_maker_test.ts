/**
 * The child file worker's requests always settle, and a spare made again for the same snapshot
 * (its top changed, e.g. after a restore) gets a file of its own. A fake worker (same thread,
 * deterministic) stands in for core/snapshot/spare_worker.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openChain } from "../../disks/chain.ts";
import { createImage } from "../../disks/open.ts";
import { createQcow2Image } from "../../disks/formats/registry.ts";
import {
  DiskFreezer,
  DiskSlot,
  openSpare,
  removalsDone,
  removeOrphan,
  SpareMaker,
  type SpareWorkerPort,
} from "../../core/snapshot/disk_freeze.ts";
import type { SpareReply, SpareRequest } from "../../core/snapshot/spare_worker.ts";
import { readReply, REPLY_MADE, writeReply } from "../../core/snapshot/spare_reply.ts";
import { preloadQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { SnapshotSession } from "../../core/snapshot/session.ts";
import { StateDir } from "../../core/snapshot/state_dir.ts";
import { FakeMachine } from "./fake_machine.ts";
import { pumpUntil, readSector, sector } from "./session_helpers.ts";

/**
 * Does what the worker does, on this thread: the file is made inside postMessage (before any
 * pending asynchronous deletion can run), the answer arrives in a microtask. `drop` loses requests.
 */
class FakeSpareWorker implements SpareWorkerPort {
  onmessage: ((e: MessageEvent<SpareReply>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: ((e: MessageEvent) => void) | null = null;
  terminated = false;
  readonly requests: SpareRequest[] = [];

  constructor(readonly drop: (r: SpareRequest) => boolean = () => false) {}

  postMessage(r: SpareRequest): void {
    this.requests.push(r);
    if (this.drop(r)) return;
    let error: string | null = null;
    try {
      createQcow2Image(r.path, { size: r.size, backingFile: r.backingFile, backingFormat: r.backingFormat });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const data: SpareReply = { seq: r.seq, error, preload: null };
    queueMicrotask(() => {
      if (!this.terminated) this.onmessage?.(new MessageEvent("message", { data }));
    });
  }

  terminate(): void {
    this.terminated = true;
  }
}

function tick(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

Deno.test("a spare made again for the same snapshot after the top changed gets its own file and opens", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-spare-" });
  try {
    const image = join(tmp, "disk.img");
    createImage(image, { size: 1 << 20 });
    const slot = new DiskSlot(openChain(image));
    const stateDir = join(tmp, "state");
    Deno.mkdirSync(stateDir);
    const maker = new SpareMaker({ keepAlive: true, spawn: () => new FakeSpareWorker() });
    const freezer = new DiskFreezer([{ drive: "c", slot }], stateDir, maker);
    const pumpReady = async (id: string) => {
      for (let i = 0; i < 200 && !freezer.ready(id); i++) {
        freezer.pump();
        await tick();
      }
    };
    freezer.prepare("X");
    await pumpReady("X");
    assert.ok(freezer.ready("X"));
    const first = join(stateDir, "c-X.qcow2");
    // The top changes (as a restore switches the chain): the same snapshot id is prepared again.
    // The first spare's file is deleted asynchronously; the new one must not collide with it.
    slot.chain.pushChild(join(tmp, "branch.qcow2"), "qcow2");
    freezer.prepare("X");
    await pumpReady("X");
    assert.ok(freezer.ready("X"), `spare not made again: ${freezer.lastError}`);
    assert.equal(freezer.lastError, null);
    const pending = freezer.freeze("X");
    assert.equal(freezer.slowFreezes, 0, "the freeze was a flip");
    const top = slot.chain.top.path;
    assert.notEqual(top, first);
    for (let i = 0; i < 200 && !pending.settle(); i++) await tick();
    assert.ok(pending.settle());
    for (let i = 0; i < 20; i++) await tick(); // the discarded spare's deletion has run
    assert.ok(Deno.statSync(top).isFile, "the new top's file is still there");
    assert.throws(() => Deno.statSync(first), Deno.errors.NotFound);
    slot.write(0, 1, sector(0x77));
    assert.equal(readSector(slot, 0), 0x77);
    await freezer.dispose();
    maker.shutdown();
    slot.close();
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a spare that failed is asked for again after a while, not on every pump", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-spare-" });
  try {
    const image = join(tmp, "disk.img");
    createImage(image, { size: 1 << 20 });
    const slot = new DiskSlot(openChain(image));
    const stateDir = join(tmp, "state");
    Deno.mkdirSync(stateDir);
    let fail = true;
    const worker = new FakeSpareWorker(() => false);
    const maker = new SpareMaker({
      keepAlive: true,
      spawn: () => {
        // The first worker fails its request (as a worker cut off on a timeout would).
        if (fail) {
          fail = false;
          const broken = new FakeSpareWorker(() => true);
          queueMicrotask(() =>
            broken.onerror?.(new ErrorEvent("error", { message: "boom", cancelable: true }))
          );
          return broken;
        }
        return worker;
      },
    });
    const freezer = new DiskFreezer([{ drive: "c", slot }], stateDir, maker, { retryMs: 50 });
    freezer.prepare("X");
    for (let i = 0; i < 20 && freezer.lastError === null; i++) await tick();
    assert.match(String(freezer.lastError), /boom/);
    freezer.prepare("X");
    freezer.prepare("X");
    assert.equal(worker.requests.length, 0, "not asked again at once");
    await new Promise((r) => setTimeout(r, 60));
    freezer.prepare("X");
    assert.equal(worker.requests.length, 1, "asked again after the retry delay");
    for (let i = 0; i < 200 && !freezer.ready("X"); i++) {
      freezer.pump();
      await tick();
    }
    assert.ok(freezer.ready("X"));
    await freezer.dispose();
    maker.shutdown();
    slot.close();
    await removalsDone();
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a shut-down child file maker names the file its cut-off worker was making and refuses new requests", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-spare-" });
  try {
    const worker = new FakeSpareWorker(() => true); // never answers: still "making" the file
    const maker = new SpareMaker({ keepAlive: true, spawn: () => worker });
    const path = join(tmp, "c-late.qcow2");
    const first = maker.create(path, 1 << 20, join(tmp, "base.img"), "raw");
    const second = maker.create(join(tmp, "c-queued.qcow2"), 1 << 20, join(tmp, "base.img"), "raw");
    assert.equal(maker.shutdown(new Error("session closed")), path, "the request the worker holds");
    assert.ok(worker.terminated);
    await assert.rejects(first, /session closed/);
    await assert.rejects(second, /session closed/);
    await assert.rejects(
      maker.create(join(tmp, "c-after.qcow2"), 512, join(tmp, "base.img"), "raw"),
      /shut down/,
    );
    assert.equal(worker.requests.length, 1, "no request reached a worker after the shutdown");
    // The worker's file appearing late (it was cut off mid-way) is deleted, with its temporary file.
    const orphanGone = removeOrphan(path, 20);
    Deno.writeFileSync(path, new Uint8Array(16));
    Deno.writeFileSync(join(tmp, ".c-late.qcow2.tmp-1234"), new Uint8Array(16));
    await orphanGone;
    assert.deepEqual([...Deno.readDirSync(tmp)].map((f) => f.name), []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a child file request the worker never answers fails with one line, and the next gets a new worker", async () => {
  const workers: FakeSpareWorker[] = [];
  let lose = true;
  const maker = new SpareMaker({
    keepAlive: true,
    replyTimeoutMs: 50,
    spawn: () => {
      const w = new FakeSpareWorker(() => lose);
      workers.push(w);
      return w;
    },
  });
  const tmp = await Deno.makeTempDir({ prefix: "tty86-spare-" });
  try {
    const image = join(tmp, "disk.img");
    createImage(image, { size: 1 << 20 });
    await assert.rejects(
      maker.create(join(tmp, "a.qcow2"), 1 << 20, image, "raw"),
      /^Error: child file worker did not answer in 50 ms \(a\.qcow2\)$/,
    );
    assert.ok(workers[0].terminated, "the stuck worker was ended");
    lose = false;
    assert.equal(await maker.create(join(tmp, "b.qcow2"), 1 << 20, image, "raw"), null);
    assert.equal(workers.length, 2);
  } finally {
    maker.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a worker error or an unreadable reply fails the pending requests", async () => {
  const failWith = (fire: (w: FakeSpareWorker) => void) =>
    new SpareMaker({
      spawn: () => {
        const w = new FakeSpareWorker(() => true);
        queueMicrotask(() => fire(w));
        return w;
      },
    });
  const a = failWith((w) => w.onerror?.(new ErrorEvent("error", { message: "boom", cancelable: true })));
  await assert.rejects(a.create("/nonexistent/a.qcow2", 512, "/nonexistent/b", "raw"), /worker failed: boom/);
  const b = failWith((w) => w.onmessageerror?.(new MessageEvent("messageerror")));
  await assert.rejects(b.create("/nonexistent/a.qcow2", 512, "/nonexistent/b", "raw"), /could not be read/);
});

Deno.test("a restore whose prepared child file never comes restores anyway: the cold path needs no worker", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-spare-session-" });
  try {
    const image = join(tmp, "disk.img");
    createImage(image, { size: 1 << 20 });
    const slot = new DiskSlot(openChain(image));
    const worker = new FakeSpareWorker((r) => r.path.includes("-restore"));
    const maker = new SpareMaker({ keepAlive: true, replyTimeoutMs: 100, spawn: () => worker });
    const m = new FakeMachine(5);
    const session = new SnapshotSession({
      target: m.target,
      stateDir: new StateDir(join(tmp, "state")),
      drives: [{ drive: "c", slot }],
      maker,
    });
    slot.write(0, 1, sector(0xAA));
    m.ram.write8(0x3000, 0x11);
    session.prepareNext();
    const one = await pumpUntil(session, session.snapshot("one"));
    slot.write(0, 1, sector(0xBB));
    m.ram.write8(0x3000, 0x22);
    // The background preparation of the latest snapshot asks the worker, which never answers.
    for (let i = 0; i < 2000 && !worker.requests.some((r) => r.path.includes("-restore")); i++) {
      session.pump(1);
      await tick();
    }
    assert.ok(worker.requests.some((r) => r.path.includes("-restore")), "the preparation is waiting");
    assert.equal(session.restoreReady(one.id), false);

    await pumpUntil(session, session.restore(one.id));
    while (session.status.restoring) session.pump(Number.POSITIVE_INFINITY);
    assert.equal(readSector(slot, 0), 0xAA);
    assert.equal(m.ram.read8(0x3000), 0x11);
    // The new branch is a file child of the snapshot's frozen layer, and takes writes.
    slot.write(1, 1, sector(0xCC));
    assert.equal(readSector(slot, 1), 0xCC);
    assert.match(slot.chain.top.path, /-restore\.qcow2$/);
    assert.equal(slot.chain.top.readOnly, false);
    await session.idle();
    await session.close();
    slot.close();
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("SnapshotSession.close() settles while a prepared restore waits for a worker that never answers", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-spare-session-" });
  try {
    const image = join(tmp, "disk.img");
    createImage(image, { size: 1 << 20 });
    const slot = new DiskSlot(openChain(image));
    const worker = new FakeSpareWorker((r) => r.path.includes("-restore"));
    // The default reply timeout (10 s): close() must not wait for it.
    const maker = new SpareMaker({ keepAlive: true, spawn: () => worker });
    const m = new FakeMachine(5);
    const session = new SnapshotSession({
      target: m.target,
      stateDir: new StateDir(join(tmp, "state")),
      drives: [{ drive: "c", slot }],
      maker,
    });
    session.prepareNext();
    await pumpUntil(session, session.snapshot("one"));
    for (let i = 0; i < 2000 && !worker.requests.some((r) => r.path.includes("-restore")); i++) {
      session.pump(1);
      await tick();
    }
    assert.ok(worker.requests.some((r) => r.path.includes("-restore")), "the restore preparation is waiting");
    const t0 = performance.now();
    await session.close();
    const took = performance.now() - t0;
    assert.ok(took < 3000, `close() took ${took.toFixed(0)} ms`);
    assert.ok(worker.terminated);
    slot.close();
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("the worker's answer through shared memory settles the request, with the file's bytes and refcount table", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-spare-" });
  try {
    const image = join(tmp, "disk.img");
    createImage(image, { size: 1 << 20 });
    const messages: string[] = [];
    // A worker that answers a success only through the request's reply buffer, as the real one does.
    class SharedReplyWorker extends FakeSpareWorker {
      override postMessage(r: SpareRequest): void {
        this.requests.push(r);
        assert.ok(r.reply instanceof SharedArrayBuffer, "the request carries a reply buffer");
        createQcow2Image(r.path, {
          size: r.size,
          backingFile: r.backingFile,
          backingFormat: r.backingFormat,
        });
        const preload = preloadQcow2(r.path, Deno.readFileSync(r.path));
        setTimeout(() => writeReply(r.reply!, preload), 5);
      }
    }
    const worker = new SharedReplyWorker();
    worker.onmessage = () => messages.push("message");
    const maker = new SpareMaker({ keepAlive: true, spawn: () => worker });
    const paths = [join(tmp, "a.qcow2"), join(tmp, "b.qcow2")];
    for (const path of paths) {
      const preload = await maker.create(path, 1 << 20, image, "raw");
      assert.ok(preload !== null);
      assert.deepEqual(preload.bytes, Deno.readFileSync(path));
      assert.ok(!(preload.bytes.buffer instanceof SharedArrayBuffer), "copied out of the shared buffer");
      const expected = preloadQcow2(path, Deno.readFileSync(path));
      assert.deepEqual(preload.refcountTable, expected.refcountTable);
      const layer = openSpare(path, preload);
      assert.equal(layer.sectorCount, 2048);
      layer.close();
    }
    // One buffer serves both requests (one is in flight at a time).
    assert.equal(worker.requests[0].reply, worker.requests[1].reply);
    assert.deepEqual(messages, []);
    maker.shutdown();
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a reply buffer too small for the file says made, without bytes", () => {
  const reply = new SharedArrayBuffer(64);
  writeReply(reply, { bytes: new Uint8Array(100), refcountTable: null });
  assert.equal(Atomics.load(new Int32Array(reply, 0, 1), 0), REPLY_MADE);
  assert.equal(readReply(reply), null);
  const fits = new SharedArrayBuffer(256);
  writeReply(fits, { bytes: new Uint8Array([1, 2, 3]), refcountTable: new Float64Array([7, 2 ** 40]) });
  const back = readReply(fits)!;
  assert.deepEqual([...back.bytes], [1, 2, 3]);
  assert.deepEqual([...back.refcountTable!], [7, 2 ** 40]);
});
