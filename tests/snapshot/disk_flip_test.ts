import assert from "node:assert/strict";
import { join } from "node:path";
import { openChain } from "../../disks/chain.ts";
import { createImage } from "../../disks/open.ts";
import { DiskSlot } from "../../core/snapshot/disk_freeze.ts";
import { SnapshotSession } from "../../core/snapshot/session.ts";
import { StateDir } from "../../core/snapshot/state_dir.ts";
import { FakeMachine } from "./fake_machine.ts";
import { sector } from "./session_helpers.ts";

/** Pumps the session (as the emulation loop would) until `done()`. */
async function pumpWhile(session: SnapshotSession, more: () => boolean): Promise<void> {
  for (let i = 0; more() && i < 100_000; i++) {
    session.pump(0.5);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function readSector(slot: DiskSlot, lba: number): number {
  const b = new Uint8Array(512);
  slot.read(lba, 1, b);
  return b[0];
}

const SYNC_FS = [
  "openSync",
  "createSync",
  "mkdirSync",
  "renameSync",
  "removeSync",
  "statSync",
  "lstatSync",
  "realPathSync",
  "writeFileSync",
  "truncateSync",
  "copyFileSync",
] as const;

/** Runs `f` counting synchronous file-system calls (the pause must make none). */
function countFsCalls(f: () => void): string[] {
  const calls: string[] = [];
  const deno = Deno as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = new Map<string, (...args: unknown[]) => unknown>();
  for (const name of SYNC_FS) {
    const original = deno[name];
    saved.set(name, original);
    deno[name] = (...args: unknown[]) => {
      calls.push(`${name}(${String(args[0])})`);
      return original(...args);
    };
  }
  try {
    f();
  } finally {
    for (const [name, original] of saved) deno[name] = original;
  }
  return calls;
}

Deno.test("a snapshot's pause puts a pre-created, already open child on the disk: no file calls", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-flip-" });
  try {
    const image = join(tmp, "disk.img");
    createImage(image, { size: 1 << 20 });
    const slot = new DiskSlot(openChain(image));
    const dir = new StateDir(join(tmp, "disk.img.tty86-state"));
    const m = new FakeMachine(7);
    const session = new SnapshotSession({ target: m.target, stateDir: dir, drives: [{ drive: "c", slot }] });
    try {
      // The instrumentation sees calls at all (it would otherwise prove nothing).
      assert.ok(countFsCalls(() => Deno.statSync(tmp)).length === 1);

      slot.write(3, 1, sector(0x11));
      session.prepareNext();
      await pumpWhile(session, () => !session.disksReady);
      assert.ok(session.disksReady, "the next snapshot's child is open");

      let done: Promise<unknown> = Promise.resolve();
      const calls = countFsCalls(() => done = session.snapshot("one"));
      assert.deepEqual(calls, [], "the pause made no file-system calls");
      assert.equal(session.freezer!.slowFreezes, 0);
      assert.equal(slot.chain.layers.length, 2, "the child takes the writes from now on");
      slot.write(3, 1, sector(0x22)); // after the instant: not part of the snapshot
      let entry: { id: string; disks: readonly { frozenPath: string }[] } | null = null;
      done.then((e) => entry = e as typeof entry);
      await pumpWhile(session, () => entry === null);
      assert.equal(entry!.disks[0].frozenPath, image);

      // The following snapshot's child is made in the background as well.
      await pumpWhile(session, () => !session.disksReady);
      slot.write(3, 1, sector(0x33));
      let second: { id: string } | null = null;
      const calls2 = countFsCalls(() => session.snapshot("two").then((e) => second = e));
      assert.deepEqual(calls2, []);
      await pumpWhile(session, () => second === null);
      assert.equal(slot.chain.layers.length, 3);

      // Both freezes restore to the disk as it was at their instant (identities verified).
      const r1 = await session.restore(entry!.id);
      r1.finishNow();
      assert.equal(readSector(slot, 3), 0x11);
      const r2 = await session.restore(second!.id);
      r2.finishNow();
      assert.equal(readSector(slot, 3), 0x33);
      assert.equal(session.freezer!.slowFreezes, 0);
    } finally {
      await session.close();
      slot.close();
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("without a ready child the freeze still works (created in the pause) and is counted", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-flip-" });
  try {
    const image = join(tmp, "disk.img");
    createImage(image, { size: 1 << 20 });
    const slot = new DiskSlot(openChain(image));
    const dir = new StateDir(join(tmp, "state"));
    const m = new FakeMachine(8);
    const session = new SnapshotSession({ target: m.target, stateDir: dir, drives: [{ drive: "c", slot }] });
    try {
      slot.write(0, 1, sector(0x44));
      let entry: { id: string } | null = null;
      session.snapshot().then((e) => entry = e);
      assert.equal(session.freezer!.slowFreezes, 1);
      await pumpWhile(session, () => entry === null);
      slot.write(0, 1, sector(0x55));
      (await session.restore(entry!.id)).finishNow();
      assert.equal(readSector(slot, 0), 0x44);
    } finally {
      await session.close();
      slot.close();
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
