import assert from "node:assert/strict";
import { join } from "node:path";
import { openChain } from "../../disks/chain.ts";
import { createImage } from "../../disks/open.ts";
import { DiskSlot } from "../../core/snapshot/disk_freeze.ts";
import { SnapshotSession } from "../../core/snapshot/session.ts";
import { StateDir } from "../../core/snapshot/state_dir.ts";
import { FakeMachine } from "./fake_machine.ts";
import { pumpUntil, readSector, sector } from "./session_helpers.ts";

Deno.test("snapshots freeze the disk, diff against the previous one, and restore memory, state and disk", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-session-" });
  try {
    const image = join(tmp, "disk.img");
    createImage(image, { size: 1 << 20 });
    const slot = new DiskSlot(openChain(image));
    const dir = new StateDir(join(tmp, "disk.img.tty86-state"));
    const m = new FakeMachine(5);
    const session = new SnapshotSession({ target: m.target, stateDir: dir, drives: [{ drive: "c", slot }] });

    m.scribble(50_000);
    slot.write(0, 1, sector(0xAA));
    const atOne = m.capture();
    const one = await pumpUntil(session, session.snapshot("first"));
    assert.equal(one.label, "first");
    assert.equal(one.disks[0].frozenPath, image);
    assert.equal(slot.chain.layers.length, 2, "a child now takes the writes");
    assert.ok(slot.chain.top.path.startsWith(dir.dir));

    m.ram.write8(0x2000, 1);
    slot.write(0, 1, sector(0xBB));
    const two = await pumpUntil(session, session.snapshot("second"));
    assert.equal(two.parentId, one.id);
    assert.equal(two.baseId, one.id);
    assert.ok(two.fileBytes * 4 < one.fileBytes, `diff ${two.fileBytes} bytes vs full ${one.fileBytes}`);
    const branchTop = slot.chain.top.path;
    slot.write(0, 1, sector(0xCC));
    m.scribble(10_000);

    const restore = await session.restore(one.id);
    assert.equal(readSector(slot, 0), 0xAA, "the disk is back at the first snapshot");
    while (session.pump(1) && !restore.done);
    assert.deepEqual(m.ram.bytes, atOne.ram);
    assert.deepEqual(m.vram.bytes, atOne.vram);
    assert.deepEqual(m.cpu.saveState(), atOne.cpu);
    assert.equal(session.baseId, one.id, "the next snapshot is a child of the restored one");

    // The abandoned branch is still on disk with its data.
    const branch = openChain(branchTop, { readOnly: true, allowParentDirs: [tmp] });
    const b = new Uint8Array(512);
    branch.read(0, 1, b);
    branch.close();
    assert.equal(b[0], 0xCC);

    slot.write(1, 1, sector(0xDD));
    const three = await pumpUntil(session, session.snapshot("after restore"));
    assert.equal(three.parentId, one.id);
    const index = dir.readIndex();
    assert.deepEqual(index.snapshots.map((e) => e.label), ["first", "second", "after restore"]);
    assert.deepEqual(dir.strayFiles(), []);
    await session.close();
    slot.close();
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("restore refuses when a frozen disk layer was changed since the snapshot", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-session-" });
  try {
    const image = join(tmp, "disk.img");
    createImage(image, { size: 1 << 20 });
    const slot = new DiskSlot(openChain(image));
    const dir = new StateDir(join(tmp, "state"));
    const m = new FakeMachine(5);
    const session = new SnapshotSession({ target: m.target, stateDir: dir, drives: [{ drive: "c", slot }] });
    const one = await pumpUntil(session, session.snapshot());
    const f = await Deno.open(image, { write: true });
    await f.write(new Uint8Array([1, 2, 3]));
    f.close();
    await assert.rejects(
      session.restore(one.id),
      (e: Error) => e.message.startsWith(`${image}: disk layer for drive c changed since the snapshot`),
    );
    await session.close();
    slot.close();
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
