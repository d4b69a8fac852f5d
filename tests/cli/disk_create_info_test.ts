import assert from "node:assert/strict";
import type { ImageInfo } from "../../disks/ops/info.ts";
import type { MapExtent } from "../../disks/ops/map.ts";
import { buildChain, CHAIN_KINDS, disk, diskJson, tempDir } from "./disk_helpers.ts";

Deno.test("disk create: sizes with suffixes, format from the extension or --format, VHD types", async () => {
  const t = tempDir();
  try {
    const raw = await diskJson<ImageInfo>(["create", t.path("a.img"), "--size", "20M"]);
    assert.deepEqual([raw.format, raw.virtualSize], ["raw", 20 * 1024 * 1024]);
    const q = await diskJson<ImageInfo>(["create", t.path("b.img"), "--size", "512K", "--format", "qcow2"]);
    assert.deepEqual([q.format, q.subformat, q.virtualSize], ["qcow2", "v3", 512 * 1024]);
    const fixed = await diskJson<ImageInfo>(["create", t.path("c.vhd"), "--size", "1M", "--type", "fixed"]);
    assert.deepEqual([fixed.format, fixed.subformat], ["vhd", "fixed"]);
    assert(fixed.virtualSize >= 1024 * 1024);
    const dyn = await diskJson<ImageInfo>(["create", t.path("d.vhd"), "--size", "1G"]);
    assert.deepEqual(dyn.subformat, "dynamic");
    assert(dyn.hostBytes < 64 * 1024, "a dynamic VHD starts small");
    const child = await diskJson<ImageInfo>(["create", t.path("e.vhd"), "--parent", t.path("c.vhd")]);
    assert.deepEqual([child.subformat, child.parentFormat, child.virtualSize], [
      "differencing",
      "vhd",
      fixed.virtualSize,
    ]);
    const again = await disk(["create", t.path("a.img"), "--size", "1M"]);
    assert.deepEqual(again.code, 1);
    assert.match(again.stderr, /a\.img: already exists/);
    const bad = await disk(["create", t.path("f.img"), "--size", "12Q"]);
    assert.deepEqual(bad.code, 1);
    assert.match(bad.stderr, /invalid size "12Q"/);
  } finally {
    t.cleanup();
  }
});

for (const kind of CHAIN_KINDS) {
  Deno.test(`disk info and map (${kind} base): sizes, allocation, parent, extents per layer`, async () => {
    const t = tempDir();
    try {
      const { base, child } = await buildChain(t.path, kind);
      const info = await diskJson<ImageInfo>(["info", child]);
      assert.deepEqual(info.file, child);
      assert.deepEqual(info.parent !== null, true);
      assert(info.allocatedBytes >= 71 * 512 && info.allocatedShare > 0 && info.allocatedShare < 1);
      for (const key of ["format", "subformat", "virtualSize", "geometry", "hostBytes", "allocatedShare"]) {
        assert(key in info, `info has ${key}`);
      }
      const chain = await diskJson<ImageInfo[]>(["info", child, "--chain"]);
      assert.deepEqual(chain.map((l) => l.file), [child, base]);
      assert.deepEqual(chain[0].parent, base);
      assert.deepEqual(chain[1].parent, null);
      const text = await disk(["info", child, "--chain"]);
      assert.deepEqual(text.code, 0);
      assert.match(text.stdout, /layer 1:[\s\S]*virtual size:[\s\S]*layer 0:/);

      const map = await diskJson<MapExtent[]>(["map", child]);
      // Sector 40 comes from the child, sector 3000 from the base, and the two never overlap.
      const at = (byte: number) => map.find((e) => e.start <= byte && byte < e.start + e.length);
      assert.deepEqual(at(40 * 512)?.file, child);
      assert.deepEqual(at(3000 * 512)?.file, base);
      assert.deepEqual(at(5000 * 512)?.depth, 1);
      for (let i = 1; i < map.length; i++) assert(map[i - 1].start + map[i - 1].length <= map[i].start);
      const mapText = await disk(["map", child]);
      assert.match(mapText.stdout.split("\n")[0], /Offset\s+Length\s+Layer\s+File/);
    } finally {
      t.cleanup();
    }
  });
}
