import assert from "node:assert/strict";
import { join } from "node:path";
import { createRaw, openRaw } from "../../disks/formats/raw.ts";
import { DiskError } from "../../disks/errors.ts";
import { pattern, readSectors, withTempDir } from "./test_helpers.ts";

Deno.test("raw image: written sectors read back and persist across reopen", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "disk.img");
    createRaw(path, 1474560);
    const disk = openRaw(path, { readOnly: false });
    assert.deepEqual(disk.geometry, { cylinders: 80, heads: 2, sectorsPerTrack: 18 });
    assert.equal(disk.sectorCount, 2880);
    disk.write(17, 3, pattern(17, 3, 1));
    disk.flush();
    disk.close();
    const again = openRaw(path, { readOnly: true });
    assert.deepEqual(readSectors(again, 17, 3), pattern(17, 3, 1));
    assert.deepEqual(readSectors(again, 0, 1), new Uint8Array(512));
    assert.equal(again.allocationRun(0, 5000), 2880);
    again.close();
    const bytes = Deno.readFileSync(path);
    assert.deepEqual(bytes.subarray(17 * 512, 20 * 512), pattern(17, 3, 1));
  });
});

Deno.test("raw image: geometry can be given, else hard-disk default for odd sizes", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "hd.img");
    createRaw(path, 10 * 1024 * 1024);
    const disk = openRaw(path, { readOnly: true });
    assert.deepEqual(disk.geometry, { cylinders: 20, heads: 16, sectorsPerTrack: 63 });
    disk.close();
    const given = openRaw(path, {
      readOnly: true,
      geometry: { cylinders: 320, heads: 4, sectorsPerTrack: 16 },
    });
    assert.equal(given.geometry.heads, 4);
    given.close();
  });
});

Deno.test("raw image: read-only open rejects writes, out-of-range access is a DiskError", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "ro.img");
    createRaw(path, 368640);
    const disk = openRaw(path, { readOnly: true });
    assert.throws(() => disk.write(0, 1, new Uint8Array(512)), DiskError);
    assert.throws(() => disk.read(720, 1, new Uint8Array(512)), /outside the disk/);
    disk.close();
  });
});

Deno.test("createRaw refuses to overwrite an existing file and leaves no temp file", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "exists.img");
    Deno.writeFileSync(path, new Uint8Array([1, 2, 3]));
    assert.throws(() => createRaw(path, 1024), /already exists/);
    assert.deepEqual(Deno.readFileSync(path), new Uint8Array([1, 2, 3]));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["exists.img"]);
  });
});

Deno.test("raw image: an empty file is refused with a clear error", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "empty.img");
    Deno.writeFileSync(path, new Uint8Array(100));
    assert.throws(() => openRaw(path, { readOnly: true }), (e: unknown) => {
      assert.ok(e instanceof DiskError);
      assert.match(e.message, /empty\.img: image is smaller than one sector/);
      return true;
    });
  });
});

const SHARED_FLOPPY = new URL("../../../shared/guests/freedos-boot-1440k.img", import.meta.url).pathname;
const haveShared = (() => {
  try {
    return Deno.statSync(SHARED_FLOPPY).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "raw image: the shared FreeDOS floppy reads as a 1.44M disk with a boot signature",
  ignore: !haveShared,
  fn: () => {
    const disk = openRaw(SHARED_FLOPPY, { readOnly: true });
    const boot = readSectors(disk, 0, 1);
    assert.equal(disk.sectorCount, 2880);
    assert.equal(boot[510], 0x55);
    assert.equal(boot[511], 0xAA);
    disk.close();
  },
});
if (!haveShared) console.log(`skipping shared-image test: ${SHARED_FLOPPY} is absent`);
