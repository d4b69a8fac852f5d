import assert from "node:assert/strict";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { checkQcow2, createQcow2, openQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { assertSameBytes, NO_QEMU, overlay, prng, randomBytes, readAll, runTool } from "./qcow2_helpers.ts";
import { pattern, withTempDir } from "./test_helpers.ts";

const SIZE = 1024 * 1024;
const SECTORS = SIZE / SECTOR_SIZE;

Deno.test("qcow2 partial-cluster writes copy the rest of the cluster from the backing reader", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/child.qcow2`;
    createQcow2(path, { size: SIZE, backingFile: "base.raw", backingFormat: "raw", clusterBits: 12 });
    const parent = pattern(0, SECTORS, 1);
    const child = openQcow2(path, { readOnly: false });
    child.backingReader = (lba, count, into) =>
      into.set(parent.subarray(lba * SECTOR_SIZE, (lba + count) * SECTOR_SIZE));
    const expected = parent.slice();
    const next = prng(7);
    for (let n = 0; n < 40; n++) {
      const count = 1 + ((next() * 12) | 0);
      const lba = (next() * (SECTORS - count)) | 0;
      const data = randomBytes(next, count * SECTOR_SIZE);
      child.write(lba, count, data);
      expected.set(data, lba * SECTOR_SIZE);
    }
    assertSameBytes(readAll(child), expected, "merged view while open");
    child.close();
    // Reopened without any parent: every present cluster carries the full merged content.
    const reopened = openQcow2(path, { readOnly: true });
    assertSameBytes(overlay(parent, reopened), expected, "base overlaid with the child's present sectors");
    for (let lba = 0; lba < SECTORS;) {
      const run = reopened.allocationRun(lba, SECTORS - lba);
      assert.notEqual(run, 0);
      if (run > 0) {
        const own = new Uint8Array(run * SECTOR_SIZE);
        reopened.readOwn(lba, run, own);
        assertSameBytes(
          own,
          expected.subarray(lba * SECTOR_SIZE, (lba + run) * SECTOR_SIZE),
          `present run at ${lba}`,
        );
      }
      lba += Math.abs(run);
    }
    reopened.close();
    assert.deepEqual(checkQcow2(path, { repair: false }).errors, []);
  });
});

Deno.test("qcow2 partial write with no backing reader fills the rest of the new cluster with zeros", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/d.qcow2`;
    createQcow2(path, { size: SIZE, clusterBits: 16 });
    const image = openQcow2(path, { readOnly: false });
    image.write(3, 1, pattern(3, 1, 9));
    assert.equal(image.allocationRun(0, SECTORS), 128, "the whole 64 KiB cluster is present");
    assert.equal(image.allocationRun(128, SECTORS - 128), -(SECTORS - 128));
    const own = new Uint8Array(128 * SECTOR_SIZE);
    image.readOwn(0, 128, own);
    const expected = new Uint8Array(128 * SECTOR_SIZE);
    expected.set(pattern(3, 1, 9), 3 * SECTOR_SIZE);
    assertSameBytes(own, expected);
    image.close();
  });
});

Deno.test("qcow2 records a relative backing file name resolved against the image's directory, with its format", async () => {
  await withTempDir((dir) => {
    createQcow2(`${dir}/c.qcow2`, { size: SIZE, backingFile: "sub/base.qcow2", backingFormat: "qcow2" });
    const image = openQcow2(`${dir}/c.qcow2`, { readOnly: true });
    assert.deepEqual(image.parentRef, { paths: [`${dir}/sub/base.qcow2`], format: "qcow2" });
    image.close();
    createQcow2(`${dir}/v.qcow2`, {
      size: SIZE,
      backingFile: "/abs/base.vhd",
      backingFormat: "vhd",
      version: 2,
    });
    const v = openQcow2(`${dir}/v.qcow2`, { readOnly: true });
    assert.deepEqual(v.parentRef, { paths: ["/abs/base.vhd"], format: "vhd" });
    v.close();
    createQcow2(`${dir}/base.qcow2`, { size: SIZE });
    const base = openQcow2(`${dir}/base.qcow2`, { readOnly: true });
    assert.equal(base.parentRef, null);
    base.close();
  });
});

Deno.test({
  name: "qcow2 zero clusters are present and read as zeros, hiding the parent",
  ignore: NO_QEMU !== false,
  fn: async () => {
    await withTempDir((dir) => {
      Deno.writeFileSync(`${dir}/base.raw`, pattern(0, SECTORS, 4));
      const child = `${dir}/child.qcow2`;
      let r = runTool("qemu-img", ["create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", child]);
      assert.equal(r.code, 0, r.stderr);
      r = runTool("qemu-io", ["-c", "write -z 64k 128k", child]);
      assert.equal(r.code, 0, r.stderr);
      const image = openQcow2(child, { readOnly: false });
      assert.equal(image.allocationRun(0, SECTORS), -128, "first cluster reads through");
      assert.equal(image.allocationRun(128, SECTORS), 256, "zero clusters are present");
      const own = new Uint8Array(256 * SECTOR_SIZE).fill(0xee);
      image.readOwn(128, 256, own);
      assert.ok(own.every((b) => b === 0));
      // A partial write into a zero cluster keeps the rest zero (not the parent's data).
      image.backingReader = () => {
        throw new Error("a zero cluster must not read its parent");
      };
      image.write(130, 1, pattern(130, 1, 5));
      const after = new Uint8Array(128 * SECTOR_SIZE);
      image.readOwn(128, 128, after);
      const expected = new Uint8Array(128 * SECTOR_SIZE);
      expected.set(pattern(130, 1, 5), 2 * SECTOR_SIZE);
      assertSameBytes(after, expected);
      image.close();
      assert.equal(runTool("qemu-img", ["check", child]).code, 0);
    });
  },
});
