import assert from "node:assert/strict";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { checkQcow2, createQcow2, openQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { NO_QEMU, qemuCheck } from "./qcow2_helpers.ts";
import { withTempDir } from "./test_helpers.ts";

const CS = 4096;
const CLEAN = { errors: [], warnings: [], leakedClusters: 0, repaired: [] };
const OFFSET_MASK = 0x00fffffffffffe00n;

/** An image with data in guest cluster 0, and the file offsets of its structures. */
function sample(dir: string) {
  const path = `${dir}/x.qcow2`;
  createQcow2(path, { size: 1024 * 1024, clusterBits: 12 });
  const image = openQcow2(path, { readOnly: false });
  image.write(0, 8, new Uint8Array(8 * SECTOR_SIZE).fill(3));
  image.close();
  const bytes = Deno.readFileSync(path);
  const view = new DataView(bytes.buffer);
  const l1 = Number(view.getBigUint64(40));
  const l2 = Number(view.getBigUint64(l1) & OFFSET_MASK);
  const data = Number(view.getBigUint64(l2) & OFFSET_MASK);
  const block = Number(view.getBigUint64(Number(view.getBigUint64(48))));
  return { path, bytes, view, l1, l2, data, block };
}

function assertQemu(path: string, leaks: number, corruptions: number): void {
  if (NO_QEMU) return;
  const q = qemuCheck(path);
  assert.deepEqual([q.leaks, q.corruptions], [leaks, corruptions], q.text);
}

Deno.test("qcow2 check finds a leaked cluster and repair lowers its refcount", async () => {
  await withTempDir((dir) => {
    const s = sample(dir);
    const spare = s.bytes.length / CS; // one cluster past the end, given a refcount of 1
    const grown = new Uint8Array(s.bytes.length + CS);
    grown.set(s.bytes);
    new DataView(grown.buffer).setUint16(s.block + spare * 2, 1);
    Deno.writeFileSync(s.path, grown);
    const found = checkQcow2(s.path, { repair: false });
    assert.deepEqual([found.errors, found.leakedClusters], [[], 1]);
    assert.match(found.warnings[0], new RegExp(`cluster ${spare}: refcount 1 but 0 reference`));
    assertQemu(s.path, 1, 0);
    const repaired = checkQcow2(s.path, { repair: true });
    assert.deepEqual(repaired.repaired, ["lowered 1 leaked refcount(s)"]);
    assert.deepEqual(checkQcow2(s.path, { repair: false }), CLEAN);
    assertQemu(s.path, 0, 0);
  });
});

Deno.test("qcow2 check reports a refcount that is too low as an error and repair leaves it alone", async () => {
  await withTempDir((dir) => {
    const s = sample(dir);
    s.view.setUint16(s.block + (s.data / CS) * 2, 0);
    Deno.writeFileSync(s.path, s.bytes);
    const found = checkQcow2(s.path, { repair: true });
    assert.equal(found.errors.length, 1);
    assert.match(found.errors[0], /refcount 0 but 1 reference\(s\) \(refcount too low\)/);
    assert.deepEqual(found.repaired, []);
    assert.deepEqual(Deno.readFileSync(s.path), s.bytes, "repair did not touch the file");
    assertQemu(s.path, 0, 2); // QEMU also counts the COPIED flag that no longer matches refcount 0
  });
});

Deno.test("qcow2 check finds a wrong COPIED flag and repair fixes it", async () => {
  await withTempDir((dir) => {
    const s = sample(dir);
    s.view.setUint8(s.l2, s.view.getUint8(s.l2) & 0x7f); // clear COPIED on the data cluster's entry
    Deno.writeFileSync(s.path, s.bytes);
    const found = checkQcow2(s.path, { repair: false });
    assert.equal(found.errors.length, 1);
    assert.match(found.errors[0], /COPIED flag clear but refcount is 1/);
    const repaired = checkQcow2(s.path, { repair: true });
    assert.deepEqual([repaired.errors, repaired.repaired], [[], ["fixed 1 COPIED flag(s)"]]);
    assert.deepEqual(checkQcow2(s.path, { repair: false }), CLEAN);
    assertQemu(s.path, 0, 0);
  });
});

Deno.test("qcow2 check reports overlapping structures and references beyond the end of the file", async () => {
  await withTempDir((dir) => {
    const s = sample(dir);
    s.view.setBigUint64(s.l2 + 8, (1n << 63n) | BigInt(s.l1)); // guest cluster 1 -> the L1 table
    s.view.setBigUint64(s.l2 + 16, (1n << 63n) | (1n << 36n)); // guest cluster 2 -> far past the end
    Deno.writeFileSync(s.path, s.bytes);
    const found = checkQcow2(s.path, { repair: true });
    assert.ok(
      found.errors.some((e) => /used as both L1 table and data cluster/.test(e)),
      found.errors.join("; "),
    );
    assert.ok(found.errors.some((e) => /beyond the end of the file/.test(e)), found.errors.join("; "));
    assert.deepEqual(found.repaired, [], "an incomplete scan repairs nothing");
  });
});

Deno.test("qcow2 check rebuilds stale refcounts of a dirty image on repair, after which it opens for writing", async () => {
  await withTempDir((dir) => {
    const s = sample(dir);
    s.view.setBigUint64(72, 1n); // dirty
    s.view.setUint16(s.block + (s.data / CS) * 2, 0); // a lazily unrecorded refcount
    Deno.writeFileSync(s.path, s.bytes);
    const found = checkQcow2(s.path, { repair: false });
    assert.match(found.errors.join(), /too low in a dirty image/);
    assert.throws(() => openQcow2(s.path, { readOnly: false }), /dirty/);
    const repaired = checkQcow2(s.path, { repair: true });
    assert.deepEqual(repaired.errors, []);
    assert.deepEqual(repaired.repaired, [
      "rebuilt 1 stale refcount(s) of a dirty image",
      "cleared the dirty bit",
    ]);
    assert.deepEqual(checkQcow2(s.path, { repair: false }), CLEAN);
    openQcow2(s.path, { readOnly: false }).close();
    assertQemu(s.path, 0, 0);
  });
});
