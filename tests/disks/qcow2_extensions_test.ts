import assert from "node:assert/strict";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { parseExtensions } from "../../disks/formats/qcow2/extensions.ts";
import { parseHeader } from "../../disks/formats/qcow2/header.ts";
import { checkQcow2, createQcow2, openQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { NO_QEMU, qemuCheck, runTool } from "./qcow2_helpers.ts";
import { withTempDir } from "./test_helpers.ts";

const CLEAN = { errors: [], warnings: [], leakedClusters: 0, repaired: [] };

function headerOf(path: string) {
  const bytes = Deno.readFileSync(path);
  const header = parseHeader(bytes, bytes.length, path);
  const end = header.backingFileOffset || 2 ** header.clusterBits;
  return { header, extensions: parseExtensions(bytes, header.headerLength, end, path) };
}

Deno.test("qcow2 keeps unknown header extensions intact when writing", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/u.qcow2`;
    createQcow2(path, { size: 1024 * 1024, version: 2, clusterBits: 12 });
    const bytes = Deno.readFileSync(path);
    const view = new DataView(bytes.buffer);
    view.setUint32(72, 0x12345678);
    view.setUint32(76, 4);
    bytes.set(new TextEncoder().encode("tty8"), 80);
    Deno.writeFileSync(path, bytes);
    const image = openQcow2(path, { readOnly: false });
    image.write(0, 1, new Uint8Array(SECTOR_SIZE).fill(1));
    image.close();
    const { extensions } = headerOf(path);
    assert.deepEqual(extensions.map((e) => [e.type, new TextDecoder().decode(e.data)]), [[
      0x12345678,
      "tty8",
    ]]);
    assert.deepEqual(checkQcow2(path, { repair: false }), CLEAN);
  });
});

Deno.test({
  name:
    "qcow2 check counts persistent bitmaps; writing clears the bitmaps autoclear bit, leaving them as leaks",
  ignore: NO_QEMU !== false,
  fn: async () => {
    await withTempDir((dir) => {
      const path = `${dir}/b.qcow2`;
      assert.equal(runTool("qemu-img", ["create", "-q", "-f", "qcow2", path, "4M"]).code, 0);
      assert.equal(runTool("qemu-io", ["-c", "write -P 1 0 256k", path]).code, 0);
      const add = runTool("qemu-img", ["bitmap", "--add", path, "b0"]);
      assert.equal(add.code, 0, add.stderr);
      assert.equal(headerOf(path).header.autoclearFeatures, 1n);
      assert.deepEqual(checkQcow2(path, { repair: false }), CLEAN);
      const image = openQcow2(path, { readOnly: false });
      image.write(1024, 8, new Uint8Array(8 * SECTOR_SIZE).fill(9));
      image.close();
      assert.equal(
        headerOf(path).header.autoclearFeatures,
        0n,
        "tty86 does not maintain bitmaps, so it clears the bit",
      );
      // Bitmaps no longer vouched for are ignored, so their clusters are leaks, for QEMU and for us alike.
      const found = checkQcow2(path, { repair: false });
      assert.deepEqual(found.errors, []);
      assert.ok(found.leakedClusters > 0);
      const q = qemuCheck(path);
      assert.deepEqual([q.leaks, q.corruptions], [found.leakedClusters, 0], q.text);
      checkQcow2(path, { repair: true });
      assert.deepEqual(checkQcow2(path, { repair: false }), CLEAN);
      const after = qemuCheck(path);
      assert.deepEqual([after.code, after.leaks, after.corruptions], [0, 0, 0], after.text);
    });
  },
});
