import assert from "node:assert/strict";
import { join } from "node:path";
import { createVhd } from "../../disks/formats/vhd/create.ts";
import { openVhd } from "../../disks/formats/vhd/vhd_image.ts";
import { DiskError } from "../../disks/errors.ts";
import { pattern, readSectors, withTempDir } from "./test_helpers.ts";

const MiB = 1024 * 1024;

Deno.test("fixed VHD: size is CHS-exact, writes read back and persist, file = data + footer", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "fixed.vhd");
    const size = createVhd(path, { size: 4 * MiB, type: "fixed" });
    assert.ok(size >= 4 * MiB);
    assert.equal(Deno.statSync(path).size, size + 512);
    const disk = openVhd(path, { readOnly: false });
    assert.equal(disk.sectorCount * 512, size);
    disk.write(100, 8, pattern(100, 8, 2));
    disk.close();
    const again = openVhd(path, { readOnly: true });
    assert.deepEqual(readSectors(again, 100, 8), pattern(100, 8, 2));
    assert.equal(again.allocationRun(0, 1 << 30), again.sectorCount);
    again.close();
    // The data sits at its plain offset in a fixed VHD.
    assert.deepEqual(Deno.readFileSync(path).subarray(100 * 512, 108 * 512), pattern(100, 8, 2));
  });
});

Deno.test("dynamic VHD: unallocated reads zeros; writes across block boundaries and partial blocks", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "dyn.vhd");
    createVhd(path, { size: 1 * MiB, type: "dynamic", blockSize: 4096 }); // 8 sectors a block
    const disk = openVhd(path, { readOnly: false });
    assert.deepEqual(readSectors(disk, 0, 20), new Uint8Array(20 * 512));
    assert.equal(disk.allocationRun(0, 100), -100);
    disk.write(5, 12, pattern(5, 12, 3)); // blocks 0 (partial), 1 (whole), 2 (partial)
    disk.write(30, 1, pattern(30, 1, 4));
    assert.deepEqual(readSectors(disk, 5, 12), pattern(5, 12, 3));
    assert.deepEqual(readSectors(disk, 0, 5), new Uint8Array(5 * 512)); // rest of a new block is zero
    // A dynamic disk's allocated block is wholly present: blocks 0..3 (sectors 0..31).
    assert.equal(disk.allocationRun(0, 100), 32);
    assert.equal(disk.allocationRun(32, 100), -100);
    disk.close();
    const again = openVhd(path, { readOnly: true });
    assert.deepEqual(readSectors(again, 5, 12), pattern(5, 12, 3));
    assert.deepEqual(readSectors(again, 30, 1), pattern(30, 1, 4));
    assert.deepEqual(readSectors(again, 31, 1), new Uint8Array(512));
    again.close();
  });
});

Deno.test("dynamic VHD with 2 MiB blocks: a write straddling a block boundary reads back", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "big.vhd");
    createVhd(path, { size: 16 * MiB, type: "dynamic" });
    const disk = openVhd(path, { readOnly: false });
    const at = 4096 - 3; // last 3 sectors of block 0, first 5 of block 1
    disk.write(at, 8, pattern(at, 8, 5));
    disk.close();
    const again = openVhd(path, { readOnly: true });
    assert.deepEqual(readSectors(again, at, 8), pattern(at, 8, 5));
    assert.equal(again.header?.blockSize, 2 * MiB);
    // Two blocks of 512 + 2 MiB each, plus footer copy, header, BAT (1 sector for 8 entries), footer.
    assert.equal(Deno.statSync(path).size, 512 + 1024 + 512 + 2 * (512 + 2 * MiB) + 512);
    again.close();
  });
});

Deno.test("VHD opened read-only rejects writes", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "ro.vhd");
    createVhd(path, { size: MiB, type: "dynamic" });
    const disk = openVhd(path, { readOnly: true });
    assert.throws(() => disk.write(0, 1, new Uint8Array(512)), /read-only/);
    disk.close();
  });
});

Deno.test("corrupt VHDs give a one-line DiskError naming the file", async () => {
  await withTempDir((dir) => {
    const fixed = join(dir, "fixed.vhd");
    createVhd(fixed, { size: MiB, type: "fixed" });
    const bytes = Deno.readFileSync(fixed);
    bytes[bytes.length - 512 + 40] ^= 0xFF; // damage the only footer
    Deno.writeFileSync(fixed, bytes);
    assertDiskError(() => openVhd(fixed, { readOnly: true }), fixed, /footer checksum mismatch/);

    const dyn = join(dir, "dyn.vhd");
    createVhd(dyn, { size: MiB, type: "dynamic" });
    const d = Deno.readFileSync(dyn);
    d[512 + 100] ^= 1; // damage the dynamic header
    Deno.writeFileSync(dyn, d);
    assertDiskError(() => openVhd(dyn, { readOnly: true }), dyn, /dynamic header checksum mismatch/);

    const tiny = join(dir, "tiny.vhd");
    Deno.writeFileSync(tiny, new Uint8Array(100));
    assertDiskError(() => openVhd(tiny, { readOnly: true }), tiny, /too small/);
  });
});

Deno.test("a BAT entry pointing past the end of the file is refused at open", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "bat.vhd");
    createVhd(path, { size: MiB, type: "dynamic" });
    const bytes = Deno.readFileSync(path);
    new DataView(bytes.buffer).setUint32(1536, 0x00100000); // block 0 at sector 1M
    Deno.writeFileSync(path, bytes);
    assertDiskError(() => openVhd(path, { readOnly: true }), path, /BAT entry 0 points past the end/);
  });
});

Deno.test("dynamic VHD still opens from the footer copy when the trailing footer is gone", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "crash.vhd");
    createVhd(path, { size: MiB, type: "dynamic", blockSize: 4096 });
    const disk = openVhd(path, { readOnly: false });
    disk.write(0, 1, pattern(0, 1, 6));
    disk.close();
    const size = Deno.statSync(path).size;
    Deno.truncateSync(path, size - 512); // as if the crash came before the new footer
    const again = openVhd(path, { readOnly: false });
    assert.deepEqual(readSectors(again, 0, 1), pattern(0, 1, 6));
    again.write(8, 1, pattern(8, 1, 7)); // allocation restores a trailing footer
    again.close();
    const third = openVhd(path, { readOnly: true });
    assert.deepEqual(readSectors(third, 8, 1), pattern(8, 1, 7));
    assert.equal(Deno.statSync(path).size, size + 4096 + 512);
    third.close();
  });
});

function assertDiskError(fn: () => unknown, path: string, problem: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DiskError, `expected DiskError, got ${e}`);
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    assert.match(e.message, problem);
    assert.ok(!e.message.includes("\n"));
    return true;
  });
}
