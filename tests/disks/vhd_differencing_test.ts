import assert from "node:assert/strict";
import { join } from "node:path";
import { createVhd, createVhdDifferencing } from "../../disks/formats/vhd/create.ts";
import { openVhd } from "../../disks/formats/vhd/vhd_image.ts";
import { decodeUtf16 } from "../../disks/formats/vhd/dynamic_header.ts";
import { vhdTimestamp } from "../../disks/formats/vhd/footer.ts";
import { openChain } from "../../disks/chain.ts";
import { hashFile, pattern, readSectors, withTempDir } from "./test_helpers.ts";

const MiB = 1024 * 1024;

function makeBase(dir: string, blockSize = 4096): string {
  const base = join(dir, "base.vhd");
  createVhd(base, { size: MiB, type: "dynamic", blockSize });
  const disk = openVhd(base, { readOnly: false });
  disk.write(0, 40, pattern(0, 40, 1));
  disk.close();
  return base;
}

Deno.test("differencing VHD records parent id, modification time, name and W2ru/W2ku locators", async () => {
  await withTempDir((dir) => {
    const base = makeBase(dir);
    const child = join(dir, "child.vhd");
    createVhdDifferencing(child, base);
    const parent = openVhd(base, { readOnly: true });
    const c = openVhd(child, { readOnly: true });
    assert.equal(c.footer.diskType, 4);
    assert.equal(c.sectorCount, parent.sectorCount);
    assert.deepEqual(c.header!.parentUniqueId, parent.footer.uniqueId);
    assert.equal(c.header!.parentTimestamp, vhdTimestamp(Deno.statSync(base).mtime!.getTime()));
    assert.equal(c.header!.parentUnicodeName, "base.vhd");
    const bytes = Deno.readFileSync(child);
    const locators = c.header!.locators.filter((l) => l.platformCode !== 0);
    assert.deepEqual(locators.map((l) => l.platformCode), [0x57327275, 0x57326B75]);
    const texts = locators.map((l) =>
      decodeUtf16(bytes.subarray(l.dataOffset, l.dataOffset + l.dataLength), true)
    );
    assert.equal(texts[0], ".\\base.vhd");
    assert.equal(texts[1], Deno.realPathSync(base));
    assert.deepEqual(c.parentRef?.paths, ["base.vhd", Deno.realPathSync(base)]);
    assert.equal(c.parentRef?.verify?.(parent), null);
    parent.close();
    c.close();
  });
});

Deno.test("differencing chain: reads fall through to the parent, writes stay in the child, parent untouched", async () => {
  await withTempDir(async (dir) => {
    const base = makeBase(dir);
    const child = join(dir, "child.vhd");
    createVhdDifferencing(child, base);
    const before = await hashFile(base);
    const chain = openChain(child);
    assert.deepEqual(readSectors(chain, 0, 40), pattern(0, 40, 1));
    chain.write(10, 3, pattern(10, 3, 9)); // a partial block over parent data
    chain.write(100, 2, pattern(100, 2, 9)); // where the parent has nothing
    const expected = pattern(0, 40, 1);
    expected.set(pattern(10, 3, 9), 10 * 512);
    assert.deepEqual(readSectors(chain, 0, 40), expected);
    assert.deepEqual(readSectors(chain, 100, 2), pattern(100, 2, 9));
    const top = chain.top;
    // Only the written sectors belong to the child, even inside its allocated block.
    assert.equal(top.allocationRun(8, 8), -2);
    assert.equal(top.allocationRun(10, 8), 3);
    chain.close();
    assert.equal(await hashFile(base), before);
    const again = openChain(child, { readOnly: true });
    assert.deepEqual(readSectors(again, 0, 40), expected);
    again.close();
  });
});

Deno.test("differencing VHD verify() reports a parent with another unique id", async () => {
  await withTempDir((dir) => {
    const base = makeBase(dir);
    const other = join(dir, "other.vhd");
    createVhd(other, { size: MiB, type: "dynamic" });
    const child = join(dir, "child.vhd");
    createVhdDifferencing(child, base);
    const c = openVhd(child, { readOnly: true });
    const o = openVhd(other, { readOnly: true });
    assert.match(c.parentRef!.verify!(o)!, /is not the disk this child was made from/);
    c.close();
    o.close();
  });
});
