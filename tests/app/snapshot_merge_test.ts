/**
 * The chain-depth merge for rewind: a small ring with many points keeps the disk chain's depth
 * bounded (each evicted point's layer is merged into the unreferenced layer below), and stepping
 * back still restores the disk as at each point left.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { openChain } from "../../disks/chain.ts";
import { rewindRig } from "./rewind_rig.ts";
import { DEMO_IMG } from "../helpers/guest_driver.ts";

const SECTOR = 61;

Deno.test("a rewind ring of 2 with 10 points keeps the chain depth bounded and restores each point's disk", async () => {
  const { tmp, slot, machine, snaps, step, takePoint } = await rewindRig(
    "tty86-merge-",
    4_000,
    () =>
      ` (merges ${snaps.merges}, index ${snaps.dir.readIndex().snapshots.length}, depth ${slot.chain.layers.length})`,
  );
  const sectorByte = () => {
    const b = new Uint8Array(512);
    slot.read(SECTOR, 1, b);
    return b[0];
  };
  const fill = (v: number) => new Uint8Array(512).fill(v);
  try {
    await step(() => machine.emulatedSeconds() > 2, "the boot");
    const depths: number[] = [];
    for (let p = 0; p < 10; p++) {
      slot.write(SECTOR, 1, fill(0x40 + p));
      await takePoint();
      depths.push(slot.chain.layers.length);
    }
    const points = snaps.rewindRing.length;
    await step(
      () => snaps.dir.readIndex().snapshots.length <= points && snaps.merges >= 6,
      "evictions and merges",
    );
    slot.write(SECTOR, 1, fill(0x99));
    const depth = slot.chain.layers.length;
    assert.ok(snaps.merges >= 6, `merges: ${snaps.merges}`);
    assert.ok(depth <= 6, `chain depth ${depth} (depths while taking points: ${depths.join(",")})`);
    slot.flush();
    // The chain on disk is as shallow, and opens (every layer's parent is where it says).
    const onDisk = openChain(slot.chain.top.path, {
      readOnly: true,
      allowParentDirs: [join(tmp, "state"), dirname(DEMO_IMG)],
    });
    try {
      assert.ok(onDisk.layers.length <= 6, `on disk: ${onDisk.layers.length} layers`);
      const b = new Uint8Array(512);
      onDisk.read(SECTOR, 1, b);
      assert.equal(b[0], 0x99);
    } finally {
      onDisk.close();
    }
    // Stepping back restores each point's disk: the last point saw 0x49, the one before 0x48.
    await snaps.restore(snaps.rewindTarget()!);
    snaps.finishRestore();
    assert.equal(sectorByte(), 0x49);
    await snaps.restore(snaps.rewindTarget()!);
    snaps.finishRestore();
    assert.equal(sectorByte(), 0x48);
    await snaps.finish();
  } finally {
    await snaps.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
