/**
 * Interoperability with QEMU's VHD ("vpc") driver. Skips when qemu-img is absent
 * (Debian package qemu-utils).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { checkVhd } from "../../disks/formats/vhd/check.ts";
import { createVhd } from "../../disks/formats/vhd/create.ts";
import { openVhd } from "../../disks/formats/vhd/vhd_image.ts";
import { vhdChsGeometry } from "../../disks/geometry.ts";
import { openDisk } from "../../disks/open.ts";
import { hasTool, pattern, readSectors, run, withTempDir } from "./test_helpers.ts";

const haveQemu = hasTool("qemu-img");
if (!haveQemu) console.log("skipping VHD interop tests: qemu-img not installed (apt-get install qemu-utils)");

const MiB = 1024 * 1024;

function qemuVirtualSize(path: string): number {
  const info = JSON.parse(run("qemu-img", ["info", "--output=json", "-f", "vpc", path])) as {
    "virtual-size": number;
  };
  return info["virtual-size"];
}

function qemuToRaw(path: string, dir: string): Uint8Array {
  const out = join(dir, `${crypto.randomUUID()}.raw`);
  run("qemu-img", ["convert", "-f", "vpc", "-O", "raw", path, out]);
  const bytes = Deno.readFileSync(out);
  Deno.removeSync(out);
  return bytes;
}

for (const type of ["fixed", "dynamic"] as const) {
  Deno.test({
    name: `a ${type} VHD written by tty86 has the same size and content in qemu-img`,
    ignore: !haveQemu,
    fn: async () => {
      await withTempDir((dir) => {
        const path = join(dir, `ours-${type}.vhd`);
        const size = createVhd(path, {
          size: 7 * MiB + 12345,
          type,
          blockSize: type === "dynamic" ? 64 * 1024 : undefined,
        });
        const disk = openVhd(path, { readOnly: false });
        const writes: [number, number][] = [[0, 1], [127, 3], [5000, 200], [disk.sectorCount - 2, 2]];
        for (const [lba, count] of writes) disk.write(lba, count, pattern(lba, count, 4));
        const ours = readSectors(disk, 0, disk.sectorCount);
        disk.close();
        assert.equal(qemuVirtualSize(path), size);
        const theirs = qemuToRaw(path, dir);
        assert.equal(theirs.length, ours.length);
        assert.ok(theirs.every((b, i) => b === ours[i]), "qemu-img convert output differs from our reads");
      });
    },
  });
}

for (const subformat of ["fixed", "dynamic"] as const) {
  Deno.test({
    name: `a ${subformat} VHD made and written by qemu-img reads identically to its raw conversion`,
    ignore: !haveQemu,
    fn: async () => {
      await withTempDir((dir) => {
        const source = join(dir, "source.raw");
        const bytes = new Uint8Array(5 * MiB);
        for (const [lba, count, tag] of [[0, 4, 1], [3000, 50, 2], [4095, 2, 3], [10239, 1, 4]]) {
          bytes.set(pattern(lba, count, tag), lba * SECTOR_SIZE);
        }
        Deno.writeFileSync(source, bytes);
        const path = join(dir, `qemu-${subformat}.vhd`);
        run("qemu-img", ["convert", "-f", "raw", "-O", "vpc", "-o", `subformat=${subformat}`, source, path]);
        const expected = qemuToRaw(path, dir);
        const disk = openDisk(path, { readOnly: true });
        assert.equal(disk.sectorCount * SECTOR_SIZE, qemuVirtualSize(path));
        assert.deepEqual(readSectors(disk, 0, disk.sectorCount), expected);
        const vhd = disk.top;
        assert.ok(vhd.format === "vhd");
        disk.close();
        // qemu computes the footer geometry with the specification's algorithm too.
        const made = openVhd(path, { readOnly: true });
        assert.deepEqual(made.footer.geometry, vhdChsGeometry(made.sectorCount));
        made.close();
        // And our checker finds nothing wrong in qemu's layout.
        assert.deepEqual(checkVhd(path).errors, []);
        // Our writes into qemu's file (an existing block and a new one) are what qemu then reads.
        const writable = openDisk(path);
        writable.write(1, 2, pattern(1, 2, 8));
        writable.write(8000, 3, pattern(8000, 3, 8));
        const ours = readSectors(writable, 0, writable.sectorCount);
        writable.close();
        assert.deepEqual(qemuToRaw(path, dir), ours);
        assert.deepEqual(checkVhd(path).errors, []);
      });
    },
  });
}

Deno.test({
  name: "an empty VHD made by qemu-img create -f vpc opens with qemu's virtual size and reads zeros",
  ignore: !haveQemu,
  fn: async () => {
    await withTempDir((dir) => {
      for (const subformat of ["fixed", "dynamic"]) {
        const path = join(dir, `empty-${subformat}.vhd`);
        run("qemu-img", ["create", "-q", "-f", "vpc", "-o", `subformat=${subformat}`, path, "3M"]);
        const disk = openDisk(path, { readOnly: true });
        assert.equal(disk.sectorCount * SECTOR_SIZE, qemuVirtualSize(path));
        assert.deepEqual(readSectors(disk, 0, 16), new Uint8Array(16 * SECTOR_SIZE));
        disk.close();
      }
    });
  },
});
