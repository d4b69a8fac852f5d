/** Chains that mix qcow2 children with raw and VHD parents (qcow2 itself is tested elsewhere). */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { openChain } from "../../disks/chain.ts";
import { createImage, openDisk } from "../../disks/open.ts";
import { createVhd } from "../../disks/formats/vhd/create.ts";
import { openVhd } from "../../disks/formats/vhd/vhd_image.ts";
import { hashFile, hasTool, pattern, readSectors, run, withTempDir } from "./test_helpers.ts";

const haveQemu = hasTool("qemu-img") && hasTool("qemu-io");
if (!haveQemu) {
  console.log("skipping qcow2-over-VHD interop test: qemu-img or qemu-io not installed (qemu-utils)");
}

Deno.test("pushChild with qcow2 over a raw base: partial-cluster writes copy the base's data below", async () => {
  await withTempDir(async (dir) => {
    const base = join(dir, "base.img");
    createImage(base, { size: 1474560 });
    const raw = openDisk(base);
    raw.write(0, 2880, pattern(0, 2880, 1));
    raw.close();
    const before = await hashFile(base);
    const chain = openChain(base, { readOnly: true });
    chain.pushChild(join(dir, "child.qcow2"), "qcow2");
    assert.deepEqual(chain.layers.map((l) => l.format), ["raw", "qcow2"]);
    chain.write(130, 1, pattern(130, 1, 2)); // one sector inside a 64 KiB cluster
    const expected = pattern(0, 2880, 1);
    expected.set(pattern(130, 1, 2), 130 * SECTOR_SIZE);
    assert.deepEqual(readSectors(chain, 0, 2880), expected);
    // The child's own copy of the cluster holds the base's data around the written sector.
    const own = new Uint8Array(128 * SECTOR_SIZE);
    chain.top.readOwn(128, 128, own);
    assert.deepEqual(own, expected.subarray(128 * SECTOR_SIZE, 256 * SECTOR_SIZE));
    chain.close();
    assert.equal(await hashFile(base), before);
    const again = openDisk(join(dir, "child.qcow2"), { readOnly: true });
    assert.deepEqual(readSectors(again, 0, 2880), expected);
    assert.deepEqual(again.geometry, { cylinders: 80, heads: 2, sectorsPerTrack: 18 });
    again.close();
  });
});

Deno.test({
  name: "a qcow2 made by qemu-img over a tty86 VHD reads like qemu-img's flattening",
  ignore: !haveQemu,
  fn: async () => {
    await withTempDir((dir) => {
      const base = join(dir, "base.vhd");
      createVhd(base, { size: 4 * 1024 * 1024, type: "dynamic" });
      const vhd = openVhd(base, { readOnly: false });
      vhd.write(0, 100, pattern(0, 100, 1));
      vhd.close();
      const child = join(dir, "child.qcow2");
      run("qemu-img", ["create", "-q", "-f", "qcow2", "-b", "base.vhd", "-F", "vpc", child]);
      run("qemu-io", ["-c", "write -P 0x5a 8k 4k", child]);
      const flat = join(dir, "flat.raw");
      run("qemu-img", ["convert", "-O", "raw", child, flat]);
      const chain = openDisk(child, { readOnly: true });
      assert.deepEqual(chain.layers.map((l) => l.format), ["vhd", "qcow2"]);
      assert.deepEqual(readSectors(chain, 0, chain.sectorCount), Deno.readFileSync(flat));
      chain.close();
    });
  },
});

const SHARED_FLOPPY = new URL("../../../shared/guests/freedos-boot-1440k.img", import.meta.url).pathname;
const haveShared = (() => {
  try {
    return Deno.statSync(SHARED_FLOPPY).isFile;
  } catch {
    return false;
  }
})();
if (!haveShared) console.log(`skipping shared-image chain test: ${SHARED_FLOPPY} is absent`);

Deno.test({
  name:
    "a qcow2 child of the shared FreeDOS floppy needs its directory allowed, then boots from it unchanged",
  ignore: !haveShared,
  fn: async () => {
    await withTempDir(async (dir) => {
      const before = await hashFile(SHARED_FLOPPY);
      const child = join(dir, "freedos.qcow2");
      createImage(child, { parent: SHARED_FLOPPY });
      assert.throws(() => openDisk(child), /outside the allowed directories/);
      const disk = openDisk(child, { allowParentDirs: [dirname(SHARED_FLOPPY)] });
      assert.equal(disk.layers[0].readOnly, true);
      const boot = readSectors(disk, 0, 1);
      assert.equal(boot[510], 0x55);
      assert.equal(boot[511], 0xAA);
      disk.write(100, 1, pattern(100, 1, 3));
      disk.close();
      assert.equal(await hashFile(SHARED_FLOPPY), before);
    });
  },
});
