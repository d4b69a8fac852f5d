import assert from "node:assert/strict";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { checkQcow2, createQcow2, openQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { parseHeader } from "../../disks/formats/qcow2/header.ts";
import { assertSameBytes, NO_QEMU, prng, qemuCheck, randomBytes, readAll, runTool } from "./qcow2_helpers.ts";
import { withTempDir } from "./test_helpers.ts";

const CLEAN = { errors: [], warnings: [], leakedClusters: 0, repaired: [] };

/** Many scattered writes with tiny caches (forcing evictions and intermediate commits). */
function scatter(path: string, size: number, seed: number, writes: number): Uint8Array {
  const model = new Uint8Array(size);
  const image = openQcow2(path, { readOnly: false, cacheBytes: 4096 });
  const next = prng(seed);
  const sectors = size / SECTOR_SIZE;
  for (let n = 0; n < writes; n++) {
    const count = 1 + ((next() * 24) | 0);
    const lba = (next() * (sectors - count)) | 0;
    const data = randomBytes(next, count * SECTOR_SIZE);
    image.write(lba, count, data);
    model.set(data, lba * SECTOR_SIZE);
  }
  image.close();
  return model;
}

function header(path: string) {
  const bytes = Deno.readFileSync(path);
  return parseHeader(bytes.subarray(0, 4096), bytes.length, path);
}

Deno.test("qcow2 refcounts stay exact through block creation and refcount table relocation", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/grow.qcow2`;
    const size = 8 * 1024 * 1024;
    // 512-byte clusters with 64-bit refcounts: one block covers 64 clusters, the first table 2 MiB of file.
    createQcow2(path, { size, clusterBits: 9, refcountOrder: 6 });
    const before = header(path);
    const model = scatter(path, size, 1, 1500);
    const after = header(path);
    assert.notEqual(after.refcountTableOffset, before.refcountTableOffset, "the table was relocated");
    assert.ok(after.refcountTableClusters > before.refcountTableClusters);
    assert.deepEqual(checkQcow2(path, { repair: false }), CLEAN);
    const image = openQcow2(path, { readOnly: true });
    assertSameBytes(readAll(image), model);
    image.close();
    if (!NO_QEMU) {
      const q = qemuCheck(path);
      assert.deepEqual([q.code, q.leaks, q.corruptions], [0, 0, 0], q.text);
    }
  });
});

Deno.test("qcow2 refcounts stay exact after many random writes with 16-bit refcounts", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/r.qcow2`;
    createQcow2(path, { size: 16 * 1024 * 1024, clusterBits: 10 });
    scatter(path, 16 * 1024 * 1024, 2, 1500);
    assert.deepEqual(checkQcow2(path, { repair: false }), CLEAN);
    if (!NO_QEMU) {
      const q = qemuCheck(path);
      assert.deepEqual([q.code, q.leaks, q.corruptions], [0, 0, 0], q.text);
    }
  });
});

Deno.test({
  name: "qcow2 writes images of every refcount width (1 to 64 bits, made by qemu-img) consistently",
  ignore: NO_QEMU !== false,
  fn: async () => {
    await withTempDir((dir) => {
      for (const bits of [1, 2, 4, 8, 16, 32, 64]) {
        const path = `${dir}/rc${bits}.qcow2`;
        const size = 3 * 1024 * 1024;
        const opts = `refcount_bits=${bits},cluster_size=4096`;
        const r = runTool("qemu-img", ["create", "-q", "-f", "qcow2", "-o", opts, path, `${size}`]);
        assert.equal(r.code, 0, r.stderr);
        const model = scatter(path, size, bits, 400);
        assert.deepEqual(checkQcow2(path, { repair: false }), CLEAN, `refcount_bits=${bits}`);
        const q = qemuCheck(path);
        assert.deepEqual([q.code, q.leaks, q.corruptions], [0, 0, 0], `refcount_bits=${bits}: ${q.text}`);
        const image = openQcow2(path, { readOnly: true });
        assertSameBytes(readAll(image), model, `refcount_bits=${bits}`);
        image.close();
      }
    });
  },
});
