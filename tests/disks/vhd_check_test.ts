import assert from "node:assert/strict";
import { join } from "node:path";
import { checkVhd } from "../../disks/formats/vhd/check.ts";
import { createVhd, createVhdDifferencing } from "../../disks/formats/vhd/create.ts";
import { openVhd } from "../../disks/formats/vhd/vhd_image.ts";
import { hashFile, pattern, readSectors, withTempDir } from "./test_helpers.ts";

const MiB = 1024 * 1024;

function makeDynamic(dir: string): string {
  const path = join(dir, "d.vhd");
  createVhd(path, { size: MiB, type: "dynamic", blockSize: 4096 });
  const disk = openVhd(path, { readOnly: false });
  disk.write(0, 1, pattern(0, 1, 1));
  disk.write(40, 2, pattern(40, 2, 1));
  disk.close();
  return path;
}

Deno.test("a clean fixed, dynamic and differencing VHD check without errors or leaks", async () => {
  await withTempDir((dir) => {
    const fixed = join(dir, "f.vhd");
    createVhd(fixed, { size: MiB, type: "fixed" });
    const dyn = makeDynamic(dir);
    const child = join(dir, "c.vhd");
    createVhdDifferencing(child, dyn);
    for (const path of [fixed, dyn, child]) {
      const result = checkVhd(path);
      assert.deepEqual(result.errors, [], path);
      assert.equal(result.leakedBytes, 0, path);
      assert.deepEqual(result.repaired, []);
    }
  });
});

Deno.test("a damaged footer copy is reported and repair rewrites it from the trailing footer", async () => {
  await withTempDir(async (dir) => {
    const path = makeDynamic(dir);
    const bytes = Deno.readFileSync(path);
    bytes[30] ^= 0x55;
    Deno.writeFileSync(path, bytes);
    assert.match(checkVhd(path).errors.join("|"), /footer copy at offset 0 has a bad checksum/);
    const result = checkVhd(path, { repair: true });
    assert.deepEqual(result.repaired, ["rewrote the footer copy at offset 0"]);
    assert.deepEqual(result.errors, []);
    const after = Deno.readFileSync(path);
    assert.deepEqual(after.subarray(0, 512), after.subarray(after.length - 512));
    const before = await hashFile(path);
    assert.deepEqual(checkVhd(path, { repair: true }).repaired, []); // nothing left to do
    assert.equal(await hashFile(path), before);
  });
});

Deno.test("leaked space after the last block is measured and cut by repair, data intact", async () => {
  await withTempDir((dir) => {
    const path = makeDynamic(dir);
    const size = Deno.statSync(path).size;
    const footer = Deno.readFileSync(path).subarray(size - 512);
    // A crash after writing a new block but before its BAT entry: garbage, then the footer.
    const file = Deno.openSync(path, { write: true });
    file.seekSync(size - 512, Deno.SeekMode.Start);
    file.writeSync(new Uint8Array(4608).fill(0xEE));
    file.writeSync(footer);
    file.close();
    const found = checkVhd(path);
    assert.equal(found.leakedBytes, 4608);
    assert.deepEqual(found.errors, []);
    const result = checkVhd(path, { repair: true });
    assert.equal(result.leakedBytes, 0);
    assert.ok(result.repaired.some((r) => r.includes("cut 4608 leaked bytes")), result.repaired.join("|"));
    assert.equal(Deno.statSync(path).size, size);
    const disk = openVhd(path, { readOnly: true });
    assert.deepEqual(readSectors(disk, 40, 2), pattern(40, 2, 1));
    disk.close();
  });
});

Deno.test("a missing trailing footer is an error that repair restores", async () => {
  await withTempDir((dir) => {
    const path = makeDynamic(dir);
    const size = Deno.statSync(path).size;
    Deno.truncateSync(path, size - 512);
    assert.match(checkVhd(path).errors.join("|"), /no footer/);
    const result = checkVhd(path, { repair: true });
    assert.deepEqual(result.errors, []);
    assert.equal(Deno.statSync(path).size, size);
  });
});

Deno.test("BAT entries past the end or overlapping metadata or each other are errors, never repaired", async () => {
  await withTempDir(async (dir) => {
    const path = makeDynamic(dir);
    const bytes = Deno.readFileSync(path);
    const view = new DataView(bytes.buffer);
    const block0 = view.getUint32(1536);
    view.setUint32(1536 + 4, block0 + 1); // block 1 starts inside block 0
    view.setUint32(1536 + 8, 2); // block 2 on top of the header
    view.setUint32(1536 + 12, 0x7FFFFF); // block 3 far past the end
    Deno.writeFileSync(path, bytes);
    const before = await hashFile(path);
    const result = checkVhd(path, { repair: true });
    const text = result.errors.join("|");
    assert.match(text, /BAT entry 3 points past the end of the file/);
    assert.match(text, /block 1 at offset \d+ overlaps block 0/);
    assert.match(text, /block 2 at offset 1024 overlaps dynamic header/);
    assert.deepEqual(result.repaired, []);
    assert.equal(await hashFile(path), before);
  });
});

Deno.test("a bad dynamic header checksum is an error", async () => {
  await withTempDir((dir) => {
    const path = makeDynamic(dir);
    const bytes = Deno.readFileSync(path);
    bytes[512 + 30] ^= 1;
    Deno.writeFileSync(path, bytes);
    assert.match(checkVhd(path).errors.join("|"), /dynamic header checksum mismatch/);
  });
});

Deno.test("an allocated block whose bitmap marks nothing is a warning", async () => {
  await withTempDir((dir) => {
    const path = makeDynamic(dir);
    const bytes = Deno.readFileSync(path);
    const block0 = new DataView(bytes.buffer).getUint32(1536) * 512;
    bytes.fill(0, block0, block0 + 512);
    Deno.writeFileSync(path, bytes);
    const result = checkVhd(path);
    assert.deepEqual(result.errors, []);
    assert.match(result.warnings.join("|"), /block 0 is allocated but its bitmap marks no sector present/);
  });
});
