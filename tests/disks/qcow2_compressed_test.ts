import assert from "node:assert/strict";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { checkQcow2, openQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { assertSameBytes, NO_QEMU, prng, qemuCheck, randomBytes, readAll, runTool } from "./qcow2_helpers.ts";
import { withTempDir } from "./test_helpers.ts";

const SIZE = 2 * 1024 * 1024;

/** Compressible but varied content: runs of repeated random bytes, some all-zero clusters. */
function compressibleContent(seed: number): Uint8Array {
  const next = prng(seed);
  const out = new Uint8Array(SIZE);
  for (let at = 0; at < SIZE;) {
    const length = 1 + ((next() * 300) | 0);
    out.fill((next() * 256) | 0, at, at + length);
    at += length;
  }
  out.fill(0, 256 * 1024, 320 * 1024);
  return out;
}

for (const clusterBits of [9, 16]) {
  Deno.test({
    name: `qcow2 reads compressed clusters (made by qemu-img convert -c, ${2 ** clusterBits}-byte clusters)`,
    ignore: NO_QEMU !== false,
    fn: async () => {
      await withTempDir((dir) => {
        const content = compressibleContent(clusterBits);
        Deno.writeFileSync(`${dir}/src.raw`, content);
        const path = `${dir}/c.qcow2`;
        const r = runTool("qemu-img", [
          "convert",
          "-c",
          "-O",
          "qcow2",
          "-o",
          `cluster_size=${2 ** clusterBits}`,
          `${dir}/src.raw`,
          path,
        ]);
        assert.equal(r.code, 0, r.stderr);
        const info = runTool("qemu-img", ["check", "--output=json", path]).stdout;
        assert.ok(JSON.parse(info)["compressed-clusters"] > 0, "the image really has compressed clusters");
        const image = openQcow2(path, { readOnly: true });
        assertSameBytes(readAll(image), content);
        image.close();
        assert.deepEqual(checkQcow2(path, { repair: false }), {
          errors: [],
          warnings: [],
          leakedClusters: 0,
          repaired: [],
        });
      });
    },
  });
}

Deno.test({
  name: "qcow2 writes over compressed clusters move them to normal clusters and free the compressed space",
  ignore: NO_QEMU !== false,
  fn: async () => {
    await withTempDir((dir) => {
      const content = compressibleContent(3);
      Deno.writeFileSync(`${dir}/src.raw`, content);
      const path = `${dir}/c.qcow2`;
      assert.equal(runTool("qemu-img", ["convert", "-c", "-O", "qcow2", `${dir}/src.raw`, path]).code, 0);
      const image = openQcow2(path, { readOnly: false });
      const next = prng(11);
      for (let n = 0; n < 30; n++) {
        const count = 1 + ((next() * 200) | 0);
        const lba = (next() * (SIZE / SECTOR_SIZE - count)) | 0;
        const data = randomBytes(next, count * SECTOR_SIZE);
        image.write(lba, count, data);
        content.set(data, lba * SECTOR_SIZE);
      }
      image.close();
      const reopened = openQcow2(path, { readOnly: true });
      assertSameBytes(readAll(reopened), content);
      reopened.close();
      assert.deepEqual(checkQcow2(path, { repair: false }).errors, []);
      assert.equal(checkQcow2(path, { repair: false }).leakedClusters, 0);
      const q = qemuCheck(path);
      assert.deepEqual([q.code, q.leaks, q.corruptions], [0, 0, 0], q.text);
    });
  },
});
