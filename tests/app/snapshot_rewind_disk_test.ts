/**
 * Rewind with disks, through the app's SnapshotController on the real demo machine: rewind
 * points are live snapshots that freeze the disk (a flip), so stepping back restores the disk
 * as it was at that point; evicted points are deleted asynchronously (their child re-based)
 * and the points left still restore exactly.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DiskSlot } from "../../core/snapshot/disk_freeze.ts";
import { openBootDisks } from "../../tui/app/boot_disks.ts";
import { buildMachine } from "../../tui/app/build_machine.ts";
import { SnapshotController } from "../../tui/app/snapshots.ts";
import { DEMO_IMG } from "../helpers/guest_driver.ts";

const SECTOR = 60; // the demo's boot counter sector

Deno.test("rewind steps back through automatic snapshots and restores the disk as at each point", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-rewind-disk-" });
  const disks = openBootDisks([{ path: DEMO_IMG, kind: "floppy" }], { write: false });
  const slot = new DiskSlot(disks.floppies[0]);
  const machine = buildMachine({ floppies: [slot], hardDisks: [] }, { cpu: "80186" });
  let clock = 0;
  const snaps = new SnapshotController({
    machine,
    stateDir: join(tmp, "state"),
    drives: [{ drive: "a", slot }],
    write: false,
    allowParentDirs: [],
    rewind: { intervalMs: 1000, count: 2 },
    now: () => clock,
  });
  const slice = Math.round(machine.clock.hz * 0.0015);
  const step = async (until: () => boolean, what: string) => {
    for (let i = 0; !until(); i++) {
      if (i > 20_000) throw new Error(`timed out waiting for ${what}`);
      machine.runCycles(slice);
      snaps.pump(0.5);
      if (i % 4 === 0) await new Promise((r) => setTimeout(r, 0));
    }
  };
  const sectorByte = () => {
    const b = new Uint8Array(512);
    slot.read(SECTOR, 1, b);
    return b;
  };
  const fill = (v: number) => new Uint8Array(512).fill(v);
  const takePoint = async () => {
    const n = snaps.rewindRing.length;
    const last = snaps.rewindRing[n - 1];
    clock += 1000;
    await step(() => snaps.rewindRing.length > 0 && snaps.rewindRing.at(-1) !== last, "a rewind point");
  };
  try {
    await step(() => machine.emulatedSeconds() > 2, "the boot"); // the boot counter wrote its sector
    const atBoot = sectorByte();
    await takePoint(); // point A
    slot.write(SECTOR, 1, fill(0x5A));
    await takePoint(); // point B
    slot.write(SECTOR, 1, fill(0xA5));
    assert.deepEqual(sectorByte(), fill(0xA5));

    const b = snaps.rewindTarget()!;
    await snaps.restore(b);
    snaps.finishRestore();
    assert.deepEqual(sectorByte(), fill(0x5A), "back at B: the first write is there, the second is not");
    const a = snaps.rewindTarget()!;
    assert.notEqual(a, b);
    await snaps.restore(a);
    snaps.finishRestore();
    assert.deepEqual(sectorByte(), atBoot, "back at A: before both writes");

    // New points after the rewind; the ring keeps 2, so A and B are evicted asynchronously.
    slot.write(SECTOR, 1, fill(0x11));
    await takePoint(); // C
    slot.write(SECTOR, 1, fill(0x22));
    await takePoint(); // D
    slot.write(SECTOR, 1, fill(0x33));
    await takePoint(); // E
    await step(() => !snaps.dir.readIndex().snapshots.some((s) => s.id === a || s.id === b), "eviction");
    assert.equal(snaps.rewindRing.length, 2);
    assert.ok(!snaps.rewindRing.includes(a) && !snaps.rewindRing.includes(b));
    slot.write(SECTOR, 1, fill(0x44));
    await snaps.restore(snaps.rewindTarget()!); // E
    snaps.finishRestore();
    assert.deepEqual(sectorByte(), fill(0x33));
    await snaps.restore(snaps.rewindTarget()!); // D, re-based onto what C's deletion left
    snaps.finishRestore();
    assert.deepEqual(sectorByte(), fill(0x22));
    await snaps.finish();
  } finally {
    await snaps.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
