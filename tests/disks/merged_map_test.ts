import assert from "node:assert/strict";
import { join } from "node:path";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { DiskChain, openChain } from "../../disks/chain.ts";
import { createVhd, createVhdDifferencing } from "../../disks/formats/vhd/create.ts";
import { openVhd } from "../../disks/formats/vhd/vhd_image.ts";
import type { DiskLayer } from "../../disks/layer.ts";
import { MemoryOverlay } from "../../disks/memory_overlay.ts";
import { MergedMap } from "../../disks/merged_map.ts";
import { pattern, readSectors, withTempDir } from "./test_helpers.ts";

const GEOMETRY = { cylinders: 1, heads: 1, sectorsPerTrack: 1 };

/** Deterministic pseudo-random numbers (LCG), so failures reproduce. */
function rng(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

/** Owner of one sector by asking every layer, top down: the slow way the map replaces. */
function naiveOwner(layers: readonly DiskLayer[], lba: number): number | null {
  for (let i = layers.length - 1; i >= 0; i--) if (layers[i].allocationRun(lba, 1) > 0) return i;
  return null;
}

function naiveRead(layers: readonly DiskLayer[], lba: number, count: number): Uint8Array {
  const out = new Uint8Array(count * SECTOR_SIZE);
  for (let s = 0; s < count; s++) {
    const owner = naiveOwner(layers, lba + s);
    if (owner !== null) {
      layers[owner].readOwn(lba + s, 1, out.subarray(s * SECTOR_SIZE, (s + 1) * SECTOR_SIZE));
    }
  }
  return out;
}

function assertMapMatchesNaive(chain: DiskChain): void {
  const owners: (number | null)[] = [];
  for (const e of chain.extents()) for (let s = 0; s < e.count; s++) owners.push(e.layer);
  assert.equal(owners.length, chain.sectorCount);
  for (let lba = 0; lba < chain.sectorCount; lba++) {
    assert.equal(owners[lba], naiveOwner(chain.layers, lba), `owner of sector ${lba}`);
  }
}

Deno.test("merged map of a 32-deep VHD chain with random writes matches a per-layer lookup", async () => {
  await withTempDir((dir) => {
    let path = join(dir, "l00.vhd");
    // The size is rounded up to what the VHD geometry addresses.
    const sectors = createVhd(path, { size: 2048 * SECTOR_SIZE, type: "dynamic", blockSize: 4096 }) /
      SECTOR_SIZE;
    const model = new Uint8Array(sectors * SECTOR_SIZE);
    const random = rng(42);
    for (let layer = 0; layer < 32; layer++) {
      if (layer > 0) {
        const child = join(dir, `l${String(layer).padStart(2, "0")}.vhd`);
        createVhdDifferencing(child, path);
        path = child;
      }
      const disk = openVhd(path, { readOnly: false });
      const writes = layer === 0 ? 30 : 8;
      for (let w = 0; w < writes; w++) {
        const count = 1 + random(12);
        const lba = random(disk.sectorCount - count);
        const data = pattern(lba, count, layer);
        disk.write(lba, count, data);
        model.set(data, lba * SECTOR_SIZE);
      }
      disk.close();
    }
    const chain = openChain(path);
    assert.equal(chain.layers.length, 32);
    assertMapMatchesNaive(chain);
    assert.deepEqual(readSectors(chain, 0, sectors), model);
    assert.deepEqual(naiveRead(chain.layers, 0, sectors), model);
    // Writes through the chain keep the map current.
    for (let w = 0; w < 40; w++) {
      const count = 1 + random(20);
      const lba = random(sectors - count);
      const data = pattern(lba, count, 100 + w);
      chain.write(lba, count, data);
      model.set(data, lba * SECTOR_SIZE);
    }
    assertMapMatchesNaive(chain);
    assert.deepEqual(readSectors(chain, 0, sectors), model);
    for (let r = 0; r < 50; r++) {
      const count = 1 + random(64);
      const lba = random(sectors - count);
      assert.deepEqual(
        readSectors(chain, lba, count),
        model.subarray(lba * SECTOR_SIZE, (lba + count) * SECTOR_SIZE),
      );
    }
    chain.close();
  });
});

Deno.test("merged map stays equal to a rebuilt map under random writes to the top of stacked overlays", () => {
  const sectors = 5000;
  const random = rng(7);
  const layers: MemoryOverlay[] = [];
  for (let i = 0; i < 12; i++) {
    const layer = new MemoryOverlay(sectors, GEOMETRY);
    for (let w = 0; w < 25; w++) {
      const count = 1 + random(90);
      const lba = random(sectors - count);
      layer.write(lba, count, pattern(lba, count, i));
    }
    layers.push(layer);
  }
  const chain = new DiskChain(layers);
  for (let w = 0; w < 300; w++) {
    const count = 1 + random(40);
    const lba = random(sectors - count);
    chain.write(lba, count, pattern(lba, count, 99));
    if (w % 50 === 0) assert.deepEqual(chain.extents(), MergedMap.build(layers, sectors).extents());
  }
  assert.deepEqual(chain.extents(), MergedMap.build(layers, sectors).extents());
  assertMapMatchesNaive(chain);
});

Deno.test("assign coalesces neighbours and splits extents at the right sectors", () => {
  const base = new MemoryOverlay(100, GEOMETRY);
  base.write(10, 20, new Uint8Array(20 * SECTOR_SIZE));
  const map = MergedMap.build([base, new MemoryOverlay(100, GEOMETRY)], 100);
  assert.deepEqual(map.extents(), [
    { start: 0, count: 10, layer: null },
    { start: 10, count: 20, layer: 0 },
    { start: 30, count: 70, layer: null },
  ]);
  map.assign(15, 5, 1);
  assert.deepEqual(map.extents().map((e) => [e.start, e.count, e.layer]), [
    [0, 10, null],
    [10, 5, 0],
    [15, 5, 1],
    [20, 10, 0],
    [30, 70, null],
  ]);
  map.assign(20, 10, 1);
  map.assign(5, 95, 1);
  assert.deepEqual(map.extents().map((e) => [e.start, e.count, e.layer]), [[0, 5, null], [5, 95, 1]]);
  assert.equal(map.extentCount, 2);
});

Deno.test("building the map for a huge sparse image walks allocation runs, not sectors", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "huge.vhd");
    createVhd(path, { size: 64 * 1024 * 1024 * 1024, type: "dynamic" }); // 64 GiB, 32768 blocks
    const disk = openVhd(path, { readOnly: false });
    disk.write(1000, 4, pattern(1000, 4, 1));
    disk.write(100_000_000, 4, pattern(100_000_000, 4, 2));
    disk.close();
    const layer = openVhd(path, { readOnly: true });
    let calls = 0;
    const counting = new Proxy(layer, {
      get(target, key) {
        if (key === "allocationRun") {
          return (lba: number, max: number) => {
            calls++;
            return target.allocationRun(lba, max);
          };
        }
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const map = MergedMap.build([counting], layer.sectorCount);
    assert.ok(calls <= 10, `allocationRun called ${calls} times`);
    assert.deepEqual(map.extents().filter((e) => e.layer !== null).map((e) => [e.start, e.count]), [
      [0, 4096], // the whole 2 MiB block holding sector 1000
      [Math.floor(100_000_000 / 4096) * 4096, 4096],
    ]);
    layer.close();
  });
});
