import assert from "node:assert/strict";
import { PAGE_GUARDED, PAGE_MMIO, PAGE_ROM, PAGE_SIZE } from "../../core/memory/paged_memory.ts";
import { LazyRestore } from "../../core/snapshot/lazy_restore.ts";
import { LiveSnapshotWriter, type SnapshotResult } from "../../core/snapshot/live_writer.ts";
import { ResolvedSnapshot } from "../../core/snapshot/resolved_snapshot.ts";
import { MemorySink } from "../../core/snapshot/sink.ts";
import { SnapshotFile } from "../../core/snapshot/snapshot_file.ts";
import { FakeMachine } from "./fake_machine.ts";

/** Runs the guest and the pump alternately until the snapshot is done. */
async function runUntilDone(
  m: FakeMachine,
  writer: LiveSnapshotWriter,
  job: Promise<SnapshotResult>,
  writesPerSlice = 200,
): Promise<SnapshotResult> {
  let done = false;
  const result = job.then((r) => {
    done = true;
    return r;
  });
  for (let i = 0; !done && i < 100_000; i++) {
    m.scribble(writesPerSlice);
    writer.pump(0.2);
    await Promise.resolve();
    if (i % 16 === 0) await new Promise((r) => setTimeout(r, 0));
  }
  return await result;
}

Deno.test("a live snapshot holds the memory and state of the instant it was taken, while the guest writes on", async () => {
  const m = new FakeMachine(7);
  m.scribble(50_000);
  const before = m.capture();
  const writer = new LiveSnapshotWriter();
  const sink = new MemorySink();
  const result = await runUntilDone(m, writer, writer.take(m.target, { id: "s1", sink }));
  assert.ok(result.copiedPages > 0, "the guest wrote pages before the pump reached them");
  assert.notDeepEqual(m.ram.bytes, before.ram, "the guest kept running");
  assert.equal(m.ram.barrier, null);
  assert.ok(m.ram.pageFlags.every((f) => (f & PAGE_GUARDED) === 0), "no page left guarded");

  const other = new FakeMachine(99);
  const file = SnapshotFile.parse(sink.bytes(), "memory:s1");
  const restore = LazyRestore.begin(other.target, ResolvedSnapshot.standalone(file));
  restore.finishNow();
  assert.deepEqual(other.ram.bytes, before.ram);
  assert.deepEqual(other.vram.bytes, before.vram);
  assert.deepEqual(other.cpu.saveState(), before.cpu);
});

Deno.test("pump stays within its time budget per call and saves pages never touched", async () => {
  const m = new FakeMachine(3);
  m.scribble(10_000);
  const writer = new LiveSnapshotWriter();
  const sink = new MemorySink();
  const job = writer.take(m.target, { id: "s", sink });
  let longest = 0, calls = 0;
  while (writer.busy && calls < 10_000) {
    const t = performance.now();
    writer.pump(1);
    longest = Math.max(longest, performance.now() - t);
    calls++;
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
  }
  const r = await job;
  assert.ok(calls > 1, "the work was spread over several pump calls");
  assert.equal(
    r.pageKinds.zero + r.pageKinds.ref + r.pageKinds.zstd + r.pageKinds.raw,
    (1 << 20) / PAGE_SIZE + 64,
  );
  assert.ok(longest < 50, `a pump call took ${longest.toFixed(2)} ms`); // generous: only catches unbounded work
});

Deno.test("a second snapshot request while one is written is queued and taken afterwards", async () => {
  const m = new FakeMachine(5);
  const writer = new LiveSnapshotWriter();
  const first = writer.take(m.target, { id: "a", sink: new MemorySink() });
  m.scribble(1000);
  let resolvedAt: string | null = null;
  const second = writer.take(m.target, () => {
    resolvedAt = "started";
    return { id: "b", sink: new MemorySink() };
  });
  assert.equal(writer.busy, true);
  assert.equal(writer.queued, 1);
  assert.equal(resolvedAt, null, "the queued request is not started yet");
  const a = await runUntilDone(m, writer, first, 0);
  assert.equal(a.meta.id, "a");
  const b = await runUntilDone(m, writer, second, 0);
  assert.equal(b.meta.id, "b");
  assert.equal(writer.queued, 0);
  assert.equal(resolvedAt, "started");
});

Deno.test("a diff snapshot stores unchanged pages as references and restores through its base", async () => {
  const m = new FakeMachine(11);
  m.scribble(200_000);
  const writer = new LiveSnapshotWriter();
  const fullSink = new MemorySink();
  const full = await runUntilDone(m, writer, writer.take(m.target, { id: "full", sink: fullSink }), 0);
  for (const a of [0x1234, 0x55555, 0x9FFFF]) m.ram.write8(a, 0xEE); // a few pages change
  m.vram.write8(0x100, 0x77);
  const expected = m.capture();
  const diffSink = new MemorySink();
  const diff = await runUntilDone(
    m,
    writer,
    writer.take(m.target, {
      id: "diff",
      sink: diffSink,
      base: { id: "full", diffDepth: 0, hashes: full.hashes },
    }),
    0,
  );
  assert.ok(diff.pageKinds.ref > 100, `refs: ${diff.pageKinds.ref}`);
  assert.ok(diff.fileBytes * 4 < full.fileBytes, `diff ${diff.fileBytes} vs full ${full.fileBytes}`);
  assert.equal(diff.meta.baseId, "full");
  assert.equal(diff.meta.diffDepth, 1);

  const files = new Map([["full", SnapshotFile.parse(fullSink.bytes(), "full")]]);
  const resolved = await ResolvedSnapshot.open(
    SnapshotFile.parse(diffSink.bytes(), "diff"),
    (id) => Promise.resolve(files.get(id)!),
  );
  const other = new FakeMachine(1);
  LazyRestore.begin(other.target, resolved).finishNow();
  assert.deepEqual(other.ram.bytes, expected.ram);
  assert.deepEqual(other.vram.bytes, expected.vram);

  await assert.rejects(
    ResolvedSnapshot.open(
      SnapshotFile.parse(diffSink.bytes(), "diff"),
      () => Promise.reject(new Error("gone")),
    ),
    /^SnapshotError: diff: base snapshot full \(needed by diff\) is unusable: gone$/,
  );
});

Deno.test("lazy restore lets the guest run at once and loads a touched page on first access", async () => {
  const m = new FakeMachine(21);
  m.scribble(100_000);
  const expected = m.capture();
  const writer = new LiveSnapshotWriter();
  const sink = new MemorySink();
  await runUntilDone(m, writer, writer.take(m.target, { id: "s", sink }), 0);

  const other = new FakeMachine(4);
  const flagsBefore = other.ram.pageFlags.slice();
  const restore = LazyRestore.begin(
    other.target,
    ResolvedSnapshot.standalone(SnapshotFile.parse(sink.bytes(), "s")),
  );
  assert.deepEqual(other.cpu.saveState(), expected.cpu, "CPU state is loaded at once");
  assert.equal(restore.done, false);
  assert.ok((other.ram.pageFlags[0x50] & PAGE_MMIO) !== 0, "a page not yet loaded is parked");

  // The guest reads and writes pages before the pump reaches them.
  assert.equal(other.ram.read8(0x50123), expected.ram[0x50123]);
  assert.equal(other.ram.pageFlags[0x50], flagsBefore[0x50], "the page's own flags are back");
  other.ram.write8(0x61000, 0xAB);
  assert.equal(
    other.ram.bytes[0x61001],
    expected.ram[0x61001],
    "rest of the written page came from the snapshot",
  );
  assert.equal(other.ram.bytes[0x61000], 0xAB);
  other.ram.write8(0xFF010, 0x00); // ROM stays ROM after its lazy load
  assert.equal(other.ram.bytes[0xFF010], expected.ram[0xFF010]);
  assert.equal(other.ram.pageFlags[0xFF], PAGE_ROM);
  assert.equal(other.ram.read8(0xA0001), 0x01 ^ 0x5A, "the MMIO window keeps its device");
  assert.equal(restore.faults, 3);

  while (restore.pump(1));
  assert.equal(restore.done, true);
  assert.deepEqual(other.ram.pageFlags, flagsBefore);
  const want = expected.ram.slice();
  want[0x61000] = 0xAB;
  assert.deepEqual(other.ram.bytes, want);
});

Deno.test("eager memories are complete before the guest runs", async () => {
  const m = new FakeMachine(8);
  m.scribble(20_000);
  const writer = new LiveSnapshotWriter();
  const sink = new MemorySink();
  await runUntilDone(m, writer, writer.take(m.target, { id: "s", sink }), 0);
  const other = new FakeMachine(2);
  LazyRestore.begin(other.target, ResolvedSnapshot.standalone(SnapshotFile.parse(sink.bytes(), "s")), {
    eager: ["vram"],
  });
  assert.deepEqual(other.vram.bytes, m.vram.bytes);
  assert.ok(other.vram.pageFlags.every((f) => f === 0));
});

Deno.test("restore refuses a snapshot of a different machine with a one-line message and changes nothing", async () => {
  const m = new FakeMachine(8, "8086");
  const writer = new LiveSnapshotWriter();
  const sink = new MemorySink();
  await runUntilDone(m, writer, writer.take(m.target, { id: "s", sink }), 0);
  const other = new FakeMachine(2, "80186");
  const before = other.capture();
  assert.throws(
    () =>
      LazyRestore.begin(
        other.target,
        ResolvedSnapshot.standalone(SnapshotFile.parse(sink.bytes(), "x.t86snap")),
      ),
    { message: "x.t86snap: made for a different machine: CPU model 8086 ≠ machine's 80186" },
  );
  assert.deepEqual(other.capture(), before);
});

Deno.test("truncated, unfinished and corrupted snapshot files are recognised and refused", async () => {
  const m = new FakeMachine(8);
  m.scribble(5000);
  const writer = new LiveSnapshotWriter();
  const sink = new MemorySink();
  await runUntilDone(m, writer, writer.take(m.target, { id: "s", sink }), 0);
  const good = sink.bytes();
  assert.throws(
    () => SnapshotFile.parse(good.subarray(0, 20), "f"),
    /^SnapshotError: f: incomplete snapshot/,
  );
  assert.throws(
    () => SnapshotFile.parse(good.subarray(0, good.length - 1), "f"),
    { message: "f: incomplete snapshot (no completion marker: writing was interrupted)" },
  );
  for (const at of [10, 200, good.length >> 1, good.length - 30]) {
    const bad = good.slice();
    bad[at] ^= 0x40;
    assert.throws(() => SnapshotFile.parse(bad, "f"), /^SnapshotError: f: (corrupt|damaged) snapshot/);
  }
  const wrong = good.slice();
  wrong[0] = 0x41;
  assert.throws(() => SnapshotFile.parse(wrong, "f"), { message: "f: not a tty86 snapshot (bad magic)" });
});
