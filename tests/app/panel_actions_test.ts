/**
 * Panel actions as the app performs them (SnapshotController.treeAction / diskAction) on a
 * headless demo machine: snapshot tree restore, label and delete; disk chain new child,
 * commit and discard, each checked on the index, the chain and the disk contents.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { DiskSlot } from "../../core/snapshot/disk_freeze.ts";
import { openBootDisks } from "../../tui/app/boot_disks.ts";
import { buildMachine } from "../../tui/app/build_machine.ts";
import { SnapshotController } from "../../tui/app/snapshots.ts";
import { DEMO_IMG } from "../helpers/guest_driver.ts";

function rig(tmp: string) {
  const disks = openBootDisks([{ path: DEMO_IMG, kind: "floppy" }], { write: false });
  const slot = new DiskSlot(disks.floppies[0]);
  const machine = buildMachine({ floppies: [slot], hardDisks: [] }, { cpu: "80186" });
  const snaps = new SnapshotController({
    machine,
    stateDir: join(tmp, "state"),
    drives: [{ drive: "a", slot }],
    write: false,
    allowParentDirs: [dirname(DEMO_IMG)], // as the app allows the images' directories
  });
  const slice = Math.round(machine.clock.hz * 0.0015);
  const runUntil = async <T>(p: Promise<T>): Promise<T> => {
    let settled = false;
    p.then(() => settled = true, () => settled = true);
    for (let i = 0; !settled && i < 20_000; i++) {
      machine.runCycles(slice);
      snaps.pump(0.5);
      if (i % 4 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    if (!settled) {
      throw new Error(`not settled after 30 s of emulated time (${JSON.stringify(snaps.session.status)})`);
    }
    return await p;
  };
  for (let i = 0; i < 1000; i++) machine.runCycles(slice); // boot
  return { slot, machine, snaps, runUntil };
}

const fill = (v: number) => new Uint8Array(512).fill(v);
function byteAt(slot: DiskSlot, lba: number): number {
  const b = new Uint8Array(512);
  slot.read(lba, 1, b);
  return b[0];
}

Deno.test("snapshot tree panel actions: label, restore, delete (child re-based)", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-panel-" });
  const { slot, snaps, runUntil } = rig(tmp);
  try {
    slot.write(100, 1, fill(1));
    const one = await runUntil(snaps.snapshot("one").done);
    slot.write(100, 1, fill(2));
    const two = await runUntil(snaps.snapshot("two").done);
    slot.write(100, 1, fill(3));

    assert.equal(
      await snaps.treeAction({ type: "label", id: one.id, text: "renamed" }),
      `labelled ${one.id}`,
    );
    assert.equal(snaps.dir.entry(one.id).label, "renamed");

    assert.equal(await runUntil(snaps.treeAction({ type: "restore", id: one.id })), `restored ${one.id}`);
    snaps.finishRestore();
    assert.equal(byteAt(slot, 100), 1, "the disk is as at snapshot one");

    const note = await runUntil(snaps.treeAction({ type: "delete", id: one.id }));
    assert.match(note, new RegExp(`^deleted ${one.id} \\(1 re-based\\)$`));
    const ids = snaps.dir.readIndex().snapshots.map((s) => s.id);
    assert.deepEqual(ids, [two.id]);
    assert.equal(snaps.dir.entry(two.id).baseId, null, "two was a diff of one; now stands alone");
    await runUntil(snaps.treeAction({ type: "restore", id: two.id }));
    snaps.finishRestore();
    assert.equal(byteAt(slot, 100), 2);
  } finally {
    await snaps.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("disk chain panel actions: new child, commit into the parent, discard the top", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-panel-" });
  const { slot, snaps, runUntil } = rig(tmp);
  try {
    // A snapshot moves the memory overlay into a file child in the state directory.
    await runUntil(snaps.snapshot().done);
    // The next snapshot's disk child is prepared in the background (a child of the top too).
    const deadline = performance.now() + 60_000;
    await runUntil(
      new Promise<void>((resolve, reject) => {
        const poll = () =>
          snaps.session.disksReady
            ? resolve()
            : performance.now() > deadline
            ? reject(new Error(`no disk child prepared in 60 s: ${snaps.session.freezer?.lastError}`))
            : setTimeout(poll, 5);
        poll();
      }),
    );
    const depth = slot.chain.layers.length;
    const action = (type: "commit" | "discard" | "new-child") =>
      snaps.diskAction({ type, drive: "A:", layerIndex: slot.chain.layers.length - 1 });

    assert.match(action("new-child"), /^A: writes now go to /);
    assert.equal(slot.chain.layers.length, depth + 1);
    const child = slot.chain.top.path;
    slot.write(200, 1, fill(7));

    assert.match(action("commit"), /^A: committed into /);
    assert.equal(slot.chain.layers.length, depth, "the child was merged into its parent");
    assert.equal(byteAt(slot, 200), 7, "its data is in the parent");
    assert.throws(() => Deno.statSync(child), Deno.errors.NotFound);

    action("new-child");
    slot.write(200, 1, fill(9));
    assert.equal(byteAt(slot, 200), 9);
    const top = slot.chain.top.path;
    assert.match(action("discard"), /^A: rolled back to /);
    assert.equal(byteAt(slot, 200), 7, "the discarded write is gone");
    assert.throws(() => Deno.statSync(top), Deno.errors.NotFound);
    assert.throws(() => snaps.diskAction({ type: "commit", drive: "A:", layerIndex: 0 }), /disk changed/);
  } finally {
    await snaps.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
