import assert from "node:assert/strict";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { DiskError } from "../../disks/errors.ts";
import { checkQcow2, createQcow2, openQcow2 } from "../../disks/formats/qcow2/qcow2_image.ts";
import { NO_QEMU, runTool } from "./qcow2_helpers.ts";
import { withTempDir } from "./test_helpers.ts";

const SIZE = 1024 * 1024;

/** Creates a fresh v3 image, lets `mutate` edit its bytes, writes them back; returns the path. */
function corrupted(
  dir: string,
  name: string,
  mutate: (view: DataView, bytes: Uint8Array) => Uint8Array | void,
): string {
  const path = `${dir}/${name}.qcow2`;
  createQcow2(path, { size: SIZE, clusterBits: 12 });
  const bytes = Deno.readFileSync(path);
  const out = mutate(new DataView(bytes.buffer), bytes) ?? bytes;
  Deno.writeFileSync(path, out);
  return path;
}

/** Asserts a one-line DiskError naming the file and matching `problem`. */
function assertRefused(action: () => unknown, path: string, problem: RegExp): void {
  assert.throws(action, (e: unknown) => {
    assert.ok(e instanceof DiskError, `not a DiskError: ${e}`);
    assert.ok(e.message.startsWith(path), e.message);
    assert.ok(!e.message.includes("\n"), "one line");
    assert.match(e.message, problem);
    return true;
  });
}

const CASES: [string, (v: DataView, b: Uint8Array) => Uint8Array | void, RegExp][] = [
  ["bad magic", (v) => v.setUint32(0, 0x51464900), /bad magic/],
  ["unknown version", (v) => v.setUint32(4, 4), /unsupported version 4/],
  ["cluster bits too large", (v) => v.setUint32(20, 30), /cluster_bits 30/],
  ["cluster bits too small", (v) => v.setUint32(20, 8), /cluster_bits 8/],
  ["truncated header", (_v, b) => b.slice(0, 50), /too short/],
  ["absurd L1 size", (v) => v.setUint32(36, 0xffffffff), /l1_size .* absurd/],
  ["L1 table too small for the disk", (v) => v.setBigUint64(24, 1n << 40n), /too small/],
  ["L1 table beyond end of file", (v) => v.setBigUint64(40, 1n << 30n), /L1 table .*beyond end of file/],
  ["unaligned refcount table", (v) => v.setBigUint64(48, 4097n), /refcount table offset/],
  ["absurd refcount table", (v) => v.setUint32(56, 0x7fffffff), /refcount_table_clusters .* absurd/],
  ["absurd virtual size", (v) => v.setBigUint64(24, 1n << 62n), /virtual size is absurd/],
  ["backing name too long", (v) => {
    v.setBigUint64(8, 200n);
    v.setUint32(16, 5000);
  }, /backing file name length 5000/],
  ["unknown incompatible feature", (v) => v.setBigUint64(72, 1n << 7n), /unknown incompatible feature bit 7/],
  ["external data file", (v) => v.setBigUint64(72, 1n << 2n), /external data file/],
  ["extended L2 entries", (v) => v.setBigUint64(72, 1n << 4n), /extended L2/],
  ["zstd compression", (v) => {
    v.setBigUint64(72, 1n << 3n);
    v.setUint8(104, 1);
  }, /compression type zstd/],
  ["encryption", (v) => v.setUint32(32, 2), /encrypted/],
  ["bad header_length", (v) => v.setUint32(100, 100), /header_length 100/],
  ["refcount order above 6", (v) => v.setUint32(96, 7), /refcount_order 7/],
  ["overrunning header extension", (v) => v.setUint32(112 + 4, 60000), /header extension .* overruns/],
];

for (const [name, mutate, problem] of CASES) {
  Deno.test(`qcow2 refuses a corrupt header with a one-line error: ${name}`, async () => {
    await withTempDir((dir) => {
      const path = corrupted(dir, name.replaceAll(" ", "_"), mutate);
      assertRefused(() => openQcow2(path, { readOnly: true }), path, problem);
    });
  });
}

Deno.test("qcow2 opens a dirty or corrupt-marked image read-only but refuses to write it", async () => {
  await withTempDir((dir) => {
    for (const [bit, problem] of [[0n, /dirty/], [1n, /marked corrupt/]] as const) {
      const path = corrupted(dir, `flag${bit}`, (v) => v.setBigUint64(72, 1n << bit));
      openQcow2(path, { readOnly: true }).close();
      assertRefused(() => openQcow2(path, { readOnly: false }), path, problem);
    }
  });
});

Deno.test("qcow2 reports an L2 table or data cluster beyond the end of the file as a clear error", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/t.qcow2`;
    createQcow2(path, { size: SIZE, clusterBits: 12 });
    const image = openQcow2(path, { readOnly: false });
    image.write(0, 1, new Uint8Array(SECTOR_SIZE).fill(1));
    image.close();
    const bytes = Deno.readFileSync(path);
    const view = new DataView(bytes.buffer);
    const l1 = Number(view.getBigUint64(40));
    const l2 = Number(view.getBigUint64(l1) & 0x00fffffffffffe00n);
    view.setBigUint64(l2, (1n << 63n) | (1n << 40n)); // data cluster at 1 TiB
    Deno.writeFileSync(path, bytes);
    const broken = openQcow2(path, { readOnly: true });
    assertRefused(() => broken.readOwn(0, 1, new Uint8Array(SECTOR_SIZE)), path, /truncated/);
    broken.close();
    view.setBigUint64(l1, (1n << 63n) | (1n << 40n)); // L2 table at 1 TiB
    Deno.writeFileSync(path, bytes);
    const worse = openQcow2(path, { readOnly: true });
    assertRefused(() => worse.allocationRun(0, 8), path, /truncated/);
    worse.close();
    assert.ok(checkQcow2(path, { repair: false }).errors.some((e) => /beyond the end of the file/.test(e)));
  });
});

Deno.test("qcow2 reports a corrupt compressed cluster as a clear error", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/c.qcow2`;
    createQcow2(path, { size: SIZE, clusterBits: 12 });
    const bytes = Deno.readFileSync(path);
    const view = new DataView(bytes.buffer);
    // Hand-build: an L2 table and a "compressed" cluster full of garbage at the end of the file.
    const end = bytes.length;
    const grown = new Uint8Array(end + 2 * 4096);
    grown.set(bytes);
    grown.fill(0xff, end + 4096);
    const g = new DataView(grown.buffer);
    g.setBigUint64(Number(view.getBigUint64(40)), (1n << 63n) | BigInt(end));
    g.setBigUint64(end, (1n << 62n) | BigInt(end + 4096)); // compressed, one sector
    Deno.writeFileSync(path, grown);
    const image = openQcow2(path, { readOnly: true });
    assertRefused(
      () => image.readOwn(0, 1, new Uint8Array(SECTOR_SIZE)),
      path,
      /compressed cluster .* corrupt/,
    );
    image.close();
  });
});

Deno.test({
  name: "qcow2 opens images with internal snapshots read-only and refuses to write them",
  ignore: NO_QEMU !== false,
  fn: async () => {
    await withTempDir((dir) => {
      const path = `${dir}/s.qcow2`;
      assert.equal(runTool("qemu-img", ["create", "-q", "-f", "qcow2", path, "1M"]).code, 0);
      assert.equal(runTool("qemu-io", ["-c", "write -P 0x11 0 64k", path]).code, 0);
      assert.equal(runTool("qemu-img", ["snapshot", "-c", "snap1", path]).code, 0);
      assert.equal(runTool("qemu-io", ["-c", "write -P 0x22 0 4k", path]).code, 0);
      const image = openQcow2(path, { readOnly: true });
      const sector = new Uint8Array(SECTOR_SIZE);
      image.read(0, 1, sector);
      assert.ok(sector.every((b) => b === 0x22));
      image.read(8, 1, sector);
      assert.ok(sector.every((b) => b === 0x11));
      image.close();
      assertRefused(() => openQcow2(path, { readOnly: false }), path, /1 internal snapshot/);
      assert.deepEqual(checkQcow2(path, { repair: false }), {
        errors: [],
        warnings: [],
        leakedClusters: 0,
        repaired: [],
      });
    });
  },
});
