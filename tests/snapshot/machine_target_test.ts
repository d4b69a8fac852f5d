import assert from "node:assert/strict";
import { openChain } from "../../disks/chain.ts";
import { Machine } from "../../core/machine/machine.ts";
import { LazyRestore } from "../../core/snapshot/lazy_restore.ts";
import { LiveSnapshotWriter } from "../../core/snapshot/live_writer.ts";
import { MACHINE_EAGER_MEMORIES, machineSnapshotTarget } from "../../core/snapshot/machine_target.ts";
import { ResolvedSnapshot } from "../../core/snapshot/resolved_snapshot.ts";
import { MemorySink } from "../../core/snapshot/sink.ts";
import { SnapshotFile } from "../../core/snapshot/snapshot_file.ts";

const DEMO = new URL("../../guest/demo/demo.img", import.meta.url).pathname;

function bootDemo(): Machine {
  const chain = openChain(DEMO, { readOnly: true });
  chain.pushOverlay();
  const m = new Machine({ floppies: [chain] });
  m.powerOn();
  m.runCycles(m.clock.hz * 2);
  return m;
}

Deno.test("a live snapshot of the real machine restores RAM, VRAM and every device, and it runs on identically", async () => {
  const m = bootDemo();
  const target = machineSnapshotTarget(m);
  const writer = new LiveSnapshotWriter();
  const sink = new MemorySink();
  const job = writer.take(target, { id: "pc", sink });
  const ram = m.memory.bytes.slice(), vram = m.vga.vram.bytes.slice();
  const state = target.state.saveState();
  let done = false;
  job.then(() => done = true);
  while (!done) {
    m.runCycles(20_000); // the guest runs on while pages are saved
    writer.pump(1);
    await new Promise((r) => setTimeout(r, 0));
  }
  // Where the original goes from the snapshot instant, the restored copy must follow.
  const chain = openChain(DEMO, { readOnly: true });
  chain.pushOverlay();
  const copy = new Machine({ floppies: [chain] });
  copy.powerOn();
  const copyTarget = machineSnapshotTarget(copy);
  const restore = LazyRestore.begin(
    copyTarget,
    ResolvedSnapshot.standalone(SnapshotFile.parse(sink.bytes(), "pc")),
    { eager: MACHINE_EAGER_MEMORIES },
  );
  assert.deepEqual(copyTarget.state.saveState(), state);
  assert.deepEqual(copy.vga.vram.bytes, vram);
  copy.runCycles(copy.clock.hz / 10); // runs with pages still parked: they load on touch
  assert.ok(restore.faults > 0);
  restore.finishNow();

  const twin = new Machine({ floppies: [openChain(DEMO, { readOnly: true })] });
  twin.powerOn();
  const twinTarget = machineSnapshotTarget(twin);
  twinTarget.state.loadState(state);
  twin.memory.bytes.set(ram);
  twin.vga.vram.bytes.set(vram);
  twin.runCycles(twin.clock.hz / 10);
  assert.deepEqual(copyTarget.state.saveState(), twinTarget.state.saveState());
  assert.ok(copy.memory.bytes.every((b, i) => b === twin.memory.bytes[i]), "RAM follows the same path");
});

Deno.test("a machine snapshot is refused by a machine with another CPU or memory size", async () => {
  const m = bootDemo();
  const writer = new LiveSnapshotWriter();
  const sink = new MemorySink();
  const job = writer.take(machineSnapshotTarget(m), { id: "pc", sink });
  writer.pump(Number.POSITIVE_INFINITY);
  await job;
  const small = new Machine({ memoryKiB: 512 });
  assert.throws(
    () =>
      LazyRestore.begin(
        machineSnapshotTarget(small),
        ResolvedSnapshot.standalone(SnapshotFile.parse(sink.bytes(), "pc.t86snap")),
      ),
    { message: "pc.t86snap: made for a different machine: setting memoryKiB=640 ≠ machine's 512" },
  );
  const xt = new Machine({ cpuModel: "8086" });
  assert.throws(
    () =>
      LazyRestore.begin(
        machineSnapshotTarget(xt),
        ResolvedSnapshot.standalone(SnapshotFile.parse(sink.bytes(), "pc.t86snap")),
      ),
    /CPU model 80186 ≠ machine's 8086/,
  );
});
