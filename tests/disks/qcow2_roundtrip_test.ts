import assert from "node:assert/strict";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { checkQcow2, createQcow2, openQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { assertSameBytes, NO_QEMU, prng, qemuCheck, randomBytes, readAll, runTool } from "./qcow2_helpers.ts";
import { withTempDir } from "./test_helpers.ts";

const DISK_BYTES = 6 * 1024 * 1024 + 7 * 512; // not a whole number of clusters

/** Random writes against a flat model; returns the model. */
function scribble(path: string, seed: number, writes: number): Uint8Array {
  const model = new Uint8Array(DISK_BYTES);
  const next = prng(seed);
  const image = openQcow2(path, { readOnly: false });
  const sectors = image.sectorCount;
  for (let n = 0; n < writes; n++) {
    const count = 1 + ((next() * (n % 4 === 0 ? 700 : 40)) | 0);
    const lba = (next() * (sectors - count)) | 0;
    const data = randomBytes(next, count * SECTOR_SIZE);
    image.write(lba, count, data);
    model.set(data, lba * SECTOR_SIZE);
    if (n % 17 === 0) image.flush();
  }
  image.close();
  return model;
}

for (const version of [2, 3] as const) {
  for (const clusterBits of [9, 12, 16, 21]) {
    Deno.test(`qcow2 v${version} with ${2 ** clusterBits}-byte clusters reads back random writes after reopening`, async () => {
      await withTempDir((dir) => {
        const path = `${dir}/disk.qcow2`;
        createQcow2(path, { size: DISK_BYTES, version, clusterBits });
        const model = scribble(path, version * 100 + clusterBits, 60);
        const image = openQcow2(path, { readOnly: true });
        assert.deepEqual(image.sectorCount, DISK_BYTES / SECTOR_SIZE);
        assertSameBytes(readAll(image), model);
        image.close();
        assert.deepEqual(checkQcow2(path, { repair: false }), {
          errors: [],
          warnings: [],
          leakedClusters: 0,
          repaired: [],
        });
      });
    });
  }
}

Deno.test({
  name: "qcow2 images written by tty86 pass qemu-img check and compare equal to the written content",
  ignore: NO_QEMU !== false,
  fn: async () => {
    await withTempDir((dir) => {
      for (const [version, clusterBits] of [[2, 16], [3, 9], [3, 16], [3, 21]] as const) {
        const path = `${dir}/v${version}_${clusterBits}.qcow2`;
        createQcow2(path, { size: DISK_BYTES, version, clusterBits });
        const model = scribble(path, clusterBits, 50);
        const check = qemuCheck(path);
        assert.deepEqual([check.code, check.leaks, check.corruptions], [0, 0, 0], check.text);
        const raw = `${dir}/model_${version}_${clusterBits}.raw`;
        Deno.writeFileSync(raw, model);
        const compare = runTool("qemu-img", ["compare", "-f", "qcow2", "-F", "raw", path, raw]);
        assert.deepEqual(compare.code, 0, compare.stdout + compare.stderr);
        const info = JSON.parse(runTool("qemu-img", ["info", "--output=json", path]).stdout);
        assert.deepEqual(info["virtual-size"], DISK_BYTES);
        assert.deepEqual(info["cluster-size"], 2 ** clusterBits);
      }
    });
  },
});
