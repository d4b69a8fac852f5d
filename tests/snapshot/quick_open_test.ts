/**
 * A cold restore reads small snapshot chains in one step (StateDir.openResolvedQuickly), listed in
 * the index or not, and leaves big or damaged ones to the asynchronous read, which reports them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LiveSnapshotWriter, type SnapshotResult } from "../../core/snapshot/live_writer.ts";
import { StateDir } from "../../core/snapshot/state_dir.ts";
import { FakeMachine } from "./fake_machine.ts";

async function take(
  m: FakeMachine,
  dir: StateDir,
  writer: LiveSnapshotWriter,
  id: string,
  base: SnapshotResult | null,
): Promise<SnapshotResult> {
  const job = writer.take(m.target, {
    id,
    sink: dir.sinkFor(id),
    ...(base ? { base: { id: base.meta.id, diffDepth: base.meta.diffDepth, hashes: base.hashes } } : {}),
  });
  let done: SnapshotResult | null = null;
  job.then((r) => done = r);
  for (let i = 0; done === null && i < 100_000; i++) {
    writer.pump(5);
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.ok(done !== null);
  return done;
}

Deno.test("an unlisted diff chain is read in one step, with the bases it needs, and gives the same pages", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-quick-" });
  try {
    const dir = new StateDir(join(tmp, "state"));
    dir.ensure();
    const m = new FakeMachine(5);
    const writer = new LiveSnapshotWriter();
    m.scribble(5_000);
    const full = await take(m, dir, writer, "full", null);
    m.scribble(500);
    await take(m, dir, writer, "diff", full);
    // No index: sizes come from the files.
    const quick = dir.openResolvedQuickly("diff", 1 << 20);
    assert.ok(quick !== null);
    assert.deepEqual(quick.chain.map((f) => f.meta.id), ["diff", "full"]);
    const slow = await dir.openResolved("diff");
    const a = new Uint8Array(4096), b = new Uint8Array(4096);
    const mem = quick.memoryIndex("ram");
    for (let p = 0; p < 16; p++) {
      quick.loadPage(mem, p, a, 0);
      slow.loadPage(mem, p, b, 0);
      assert.deepEqual(a, b);
    }
    // Too big for one step: left to the asynchronous read.
    assert.equal(dir.openResolvedQuickly("diff", 100), null);
    // A damaged base: left to the asynchronous read, which names the problem.
    const basePath = dir.fileOf("full");
    const bytes = Deno.readFileSync(basePath);
    bytes[100] ^= 0xFF;
    Deno.writeFileSync(basePath, bytes);
    assert.equal(dir.openResolvedQuickly("diff", 1 << 20), null);
    await assert.rejects(dir.openResolved("diff"), /base snapshot full .* is unusable: .*checksum/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
