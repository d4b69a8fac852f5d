import assert from "node:assert/strict";
import { join } from "node:path";
import { createVhd, createVhdDifferencing } from "../../disks/formats/vhd/create.ts";
import { openVhd } from "../../disks/formats/vhd/vhd_image.ts";
import type { FileOp } from "../../disks/host_file.ts";
import { pattern, withTempDir } from "./test_helpers.ts";

const BAT_OFFSET = 1536; // tty86 puts the BAT right after the footer copy and header

function isBatWrite(op: FileOp): boolean {
  return op.kind === "write" && op.offset >= BAT_OFFSET && op.offset < BAT_OFFSET + 512;
}

Deno.test("a new block: the footer moves to the new end first, data and bitmap are synced before the BAT entry", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "order.vhd");
    createVhd(path, { size: 1024 * 1024, type: "dynamic", blockSize: 4096 });
    const endBefore = Deno.statSync(path).size - 512;
    const ops: FileOp[] = [];
    const disk = openVhd(path, { readOnly: false, observer: (op) => ops.push(op) });
    disk.write(3, 2, pattern(3, 2, 1));
    disk.close();
    const blockWrite = ops.findIndex((op) => op.kind === "write" && op.offset === endBefore);
    const bat = ops.findIndex(isBatWrite);
    const footer = ops.findIndex((op) => op.kind === "write" && op.offset === endBefore + 512 + 4096);
    assert.ok(blockWrite >= 0 && bat > 0 && footer >= 0, JSON.stringify(ops));
    const blockOp = ops[blockWrite];
    assert.ok(blockOp.kind === "write" && blockOp.length === 512 + 4096, "bitmap and data go in one write");
    const syncBetween = ops.slice(blockWrite + 1, bat).some((op) => op.kind === "sync");
    assert.ok(syncBetween, `no sync between block write and BAT write: ${JSON.stringify(ops)}`);
    // The file must end with a valid footer at every instant: the new footer is written and synced
    // before the block overwrites the old one, and the BAT entry is synced last.
    assert.ok(footer < blockWrite, "footer moved before the block overwrites the old footer");
    assert.ok(
      ops.slice(footer + 1, blockWrite).some((op) => op.kind === "sync"),
      "footer synced before the block",
    );
    assert.ok(ops.slice(bat + 1).some((op) => op.kind === "sync"), "BAT entry is synced");
  });
});

Deno.test("setting bitmap bits in an existing block: data is synced before the bitmap", async () => {
  await withTempDir((dir) => {
    const base = join(dir, "base.vhd");
    createVhd(base, { size: 1024 * 1024, type: "dynamic", blockSize: 4096 });
    const child = join(dir, "child.vhd");
    createVhdDifferencing(child, base);
    const first = openVhd(child, { readOnly: false });
    first.write(0, 1, pattern(0, 1, 1)); // allocates block 0
    first.close();
    const ops: FileOp[] = [];
    const disk = openVhd(child, { readOnly: false, observer: (op) => ops.push(op) });
    disk.write(5, 1, pattern(5, 1, 2)); // same block, new bit
    disk.close();
    const writes = ops.filter((op) => op.kind === "write");
    assert.equal(writes.length, 2, JSON.stringify(ops));
    const [data, bitmap] = writes;
    assert.ok(data.kind === "write" && bitmap.kind === "write");
    assert.equal(
      data.offset - bitmap.offset,
      512 + 5 * 512,
      "data first, then the bitmap at the block start",
    );
    const dataAt = ops.indexOf(data);
    const bitmapAt = ops.indexOf(bitmap);
    assert.ok(ops.slice(dataAt + 1, bitmapAt).some((op) => op.kind === "sync"), JSON.stringify(ops));
    // Rewriting the same sector changes no bit, so no bitmap write at all.
    const later: FileOp[] = [];
    const d2 = openVhd(child, { readOnly: false, observer: (op) => later.push(op) });
    d2.write(5, 1, pattern(5, 1, 3));
    d2.close();
    assert.equal(later.filter((op) => op.kind === "write").length, 1);
  });
});
