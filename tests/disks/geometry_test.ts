import assert from "node:assert/strict";
import {
  biosGeometry,
  chsSectors,
  defaultHardDiskGeometry,
  floppyGeometry,
  vhdChsExactSize,
  vhdChsGeometry,
} from "../../disks/geometry.ts";

const FLOPPIES: [number, number, number, number][] = [
  [163840, 40, 1, 8],
  [184320, 40, 1, 9],
  [327680, 40, 2, 8],
  [368640, 40, 2, 9],
  [737280, 80, 2, 9],
  [1228800, 80, 2, 15],
  [1474560, 80, 2, 18],
  [2949120, 80, 2, 36],
];

Deno.test("every standard floppy size gets its cylinders × heads × sectors", () => {
  for (const [size, c, h, s] of FLOPPIES) {
    assert.deepEqual(floppyGeometry(size), { cylinders: c, heads: h, sectorsPerTrack: s }, `size ${size}`);
    assert.equal(c * h * s * 512, size);
  }
  assert.equal(floppyGeometry(1474560 + 512), null);
});

Deno.test("hard disks default to 16 heads × 63 sectors with cylinders capped at 1024", () => {
  assert.deepEqual(defaultHardDiskGeometry(20 * 1024 * 1024 / 512), {
    cylinders: 40,
    heads: 16,
    sectorsPerTrack: 63,
  });
  assert.deepEqual(defaultHardDiskGeometry(8 * 1024 * 1024 * 1024 / 512).cylinders, 1024);
  assert.equal(defaultHardDiskGeometry(10).cylinders, 1);
});

Deno.test("VHD CHS algorithm gives the values worked by hand from the specification", () => {
  // 20 MiB = 40960 sectors: 17 spt, 4 heads, 602 cylinders (40960/17 = 2409, /4 = 602).
  assert.deepEqual(vhdChsGeometry(40960), { cylinders: 602, heads: 4, sectorsPerTrack: 17 });
  // 127 GiB and beyond saturate at 65535 × 16 × 255.
  assert.deepEqual(vhdChsGeometry(300 * 1024 * 1024 * 2), {
    cylinders: 65535,
    heads: 16,
    sectorsPerTrack: 255,
  });
  // 1 GiB = 2097152 sectors: 17 spt gives 123361 c×h → heads 121 > 16 → 31 spt: 67650 ≥ 16384 → 63 spt.
  assert.deepEqual(vhdChsGeometry(2097152), { cylinders: 2080, heads: 16, sectorsPerTrack: 63 });
});

Deno.test("VHD exact size rounds up to a size the geometry addresses exactly", () => {
  for (const wanted of [2880, 40960, 100000, 2097152, 12345678]) {
    const { sectors, geometry } = vhdChsExactSize(wanted);
    assert.ok(sectors >= wanted);
    assert.equal(chsSectors(geometry), sectors);
  }
});

Deno.test("BIOS geometry keeps floppies standard and caps stated hard-disk geometry", () => {
  assert.deepEqual(biosGeometry(2880, { cylinders: 42, heads: 4, sectorsPerTrack: 17 }), {
    cylinders: 80,
    heads: 2,
    sectorsPerTrack: 18,
  });
  assert.deepEqual(
    biosGeometry(5000000, { cylinders: 4960, heads: 16, sectorsPerTrack: 63 }).cylinders,
    1024,
  );
  assert.deepEqual(biosGeometry(5000000, { cylinders: 1000, heads: 16, sectorsPerTrack: 255 }), {
    cylinders: 1024,
    heads: 16,
    sectorsPerTrack: 63,
  });
});
