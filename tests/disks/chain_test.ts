import assert from "node:assert/strict";
import { join } from "node:path";
import { openChain } from "../../disks/chain.ts";
import { createImage, openDisk } from "../../disks/open.ts";
import { createVhd } from "../../disks/formats/vhd/create.ts";
import { openVhd } from "../../disks/formats/vhd/vhd_image.ts";
import { MemoryOverlay } from "../../disks/memory_overlay.ts";
import { detectFormat } from "../../disks/detect.ts";
import { HostFile } from "../../disks/host_file.ts";
import { hashFile, pattern, readSectors, withTempDir } from "./test_helpers.ts";

const MiB = 1024 * 1024;

function formatOf(path: string): string {
  const file = HostFile.open(path, true);
  try {
    return detectFormat(file);
  } finally {
    file.close();
  }
}

Deno.test("createImage picks the format from the extension and detection reads it back by content", async () => {
  await withTempDir((dir) => {
    createImage(join(dir, "a.img"), { size: 1474560 });
    createImage(join(dir, "b.vhd"), { size: MiB });
    createImage(join(dir, "c.vhd"), { size: MiB, type: "fixed" });
    createImage(join(dir, "d.bin"), { size: MiB, format: "vhd" });
    assert.equal(formatOf(join(dir, "a.img")), "raw");
    assert.equal(formatOf(join(dir, "b.vhd")), "vhd");
    assert.equal(formatOf(join(dir, "c.vhd")), "vhd");
    assert.equal(formatOf(join(dir, "d.bin")), "vhd");
    const fixed = openVhd(join(dir, "c.vhd"), { readOnly: true });
    assert.equal(fixed.footer.diskType, 2);
    fixed.close();
    createImage(join(dir, "e.vhd"), { parent: join(dir, "b.vhd") });
    const chain = openDisk(join(dir, "e.vhd"));
    assert.deepEqual(chain.layers.map((l) => l.format), ["vhd", "vhd"]);
    chain.close();
    assert.throws(
      () => createImage(join(dir, "f.img"), { parent: join(dir, "a.img") }),
      /raw image cannot have a parent/,
    );
  });
});

Deno.test("pushChild makes a new writable VHD top; the old top becomes a read-only, unchanged parent", async () => {
  await withTempDir(async (dir) => {
    const base = join(dir, "base.vhd");
    createVhd(base, { size: MiB, type: "dynamic", blockSize: 4096 });
    const chain = openChain(base);
    chain.write(0, 8, pattern(0, 8, 1));
    chain.pushChild(join(dir, "snap.vhd"), "vhd");
    const baseHash = await hashFile(base);
    assert.equal(chain.layers.length, 2);
    assert.equal(chain.layers[0].readOnly, true);
    assert.equal(chain.top.readOnly, false);
    chain.write(4, 2, pattern(4, 2, 2));
    const expected = pattern(0, 8, 1);
    expected.set(pattern(4, 2, 2), 4 * 512);
    assert.deepEqual(readSectors(chain, 0, 8), expected);
    assert.deepEqual(chain.extents().map((e) => [e.start, e.count, e.layer]), [
      [0, 4, 0],
      [4, 2, 1],
      [6, 2, 0],
      [8, chain.sectorCount - 8, null],
    ]);
    chain.close();
    assert.equal(await hashFile(base), baseHash);
    // Discarding the child rolls the disk back.
    Deno.removeSync(join(dir, "snap.vhd"));
    const back = openChain(base, { readOnly: true });
    assert.deepEqual(readSectors(back, 0, 8), pattern(0, 8, 1));
    back.close();
  });
});

Deno.test("openDisk with overlay lets the guest write without changing any file", async () => {
  await withTempDir(async (dir) => {
    const base = join(dir, "floppy.img");
    createImage(base, { size: 1474560 });
    const before = await hashFile(base);
    const disk = openDisk(base, { overlay: true });
    assert.equal(disk.readOnly, false);
    assert.ok(disk.top instanceof MemoryOverlay);
    assert.equal(disk.layers[0].readOnly, true);
    assert.deepEqual(disk.geometry, { cylinders: 80, heads: 2, sectorsPerTrack: 18 });
    disk.write(0, 2, pattern(0, 2, 3));
    disk.flush();
    assert.deepEqual(readSectors(disk, 0, 3).subarray(0, 1024), pattern(0, 2, 3));
    disk.close();
    assert.equal(await hashFile(base), before);
  });
});

Deno.test("each layer's backingReader reads the merged view of the layers below it", async () => {
  await withTempDir((dir) => {
    const base = join(dir, "base.img");
    createImage(base, { size: 64 * 512 });
    const raw = openDisk(base);
    raw.write(0, 64, pattern(0, 64, 1));
    raw.close();
    const chain = openDisk(base, { overlay: true });
    chain.pushOverlay();
    chain.write(10, 2, pattern(10, 2, 2)); // lands in the second overlay
    const [bottom, first, second] = chain.layers;
    assert.equal(bottom.backingReader ?? null, null);
    const seen = new Uint8Array(4 * 512);
    second.backingReader!(9, 4, seen);
    assert.deepEqual(seen, pattern(9, 4, 1)); // below the top: only the base's data
    first.write(11, 1, pattern(11, 1, 5)); // directly into the middle layer (the map does not see it)
    first.backingReader!(10, 2, seen.subarray(0, 1024));
    assert.deepEqual(seen.subarray(0, 1024), pattern(10, 2, 1));
    second.backingReader!(11, 1, seen.subarray(0, 512));
    assert.deepEqual(seen.subarray(0, 512), pattern(11, 1, 5));
    chain.close();
  });
});
