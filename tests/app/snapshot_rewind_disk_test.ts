/**
 * Rewind with disks, through the app's SnapshotController on the real demo machine: rewind
 * points are live snapshots that freeze the disk (a flip), so stepping back restores the disk
 * as it was at that point; evicted points are deleted asynchronously (their child re-based)
 * and the points left still restore exactly.
 */
import assert from "node:assert/strict";
import { rewindRig } from "./rewind_rig.ts";

const SECTOR = 60; // the demo's boot counter sector

Deno.test("rewind steps back through automatic snapshots and restores the disk as at each point", async () => {
  const { tmp, slot, machine, snaps, step, takePoint } = await rewindRig("tty86-rewind-disk-", 20_000);
  const sectorByte = () => {
    const b = new Uint8Array(512);
    slot.read(SECTOR, 1, b);
    return b;
  };
  const fill = (v: number) => new Uint8Array(512).fill(v);
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
