import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_MAX_DEPTH, openChain } from "../../disks/chain.ts";
import { DiskError } from "../../disks/errors.ts";
import { createVhd, createVhdDifferencing } from "../../disks/formats/vhd/create.ts";
import { openVhd } from "../../disks/formats/vhd/vhd_image.ts";
import { hasTool, pattern, run, withTempDir } from "./test_helpers.ts";

const MiB = 1024 * 1024;

function makeBase(path: string): void {
  createVhd(path, { size: MiB, type: "dynamic", blockSize: 4096 });
  const disk = openVhd(path, { readOnly: false });
  disk.write(0, 4, pattern(0, 4, 1));
  disk.close();
}

function assertChainError(fn: () => unknown, problem: RegExp): DiskError {
  let caught: DiskError | null = null;
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DiskError, `expected DiskError, got ${e}`);
    assert.match(e.message, problem);
    assert.ok(!e.message.includes("\n"), "one line");
    caught = e;
    return true;
  });
  return caught!;
}

Deno.test("a missing parent is reported with every path tried", async () => {
  await withTempDir((dir) => {
    const base = join(dir, "base.vhd");
    makeBase(base);
    const child = join(dir, "child.vhd");
    createVhdDifferencing(child, base);
    const absolute = Deno.realPathSync(base);
    Deno.removeSync(base);
    const e = assertChainError(() => openChain(child), /parent not found or refused; tried: /);
    assert.ok(e.message.startsWith(`${child}: `));
    assert.ok(e.message.includes(`${join(dir, "base.vhd")} (not found)`), e.message);
    assert.ok(e.message.includes(`${absolute} (not found)`), e.message);
  });
});

Deno.test("a parent modified after the child was made is refused", async () => {
  await withTempDir((dir) => {
    const base = join(dir, "base.vhd");
    makeBase(base);
    const child = join(dir, "child.vhd");
    createVhdDifferencing(child, base);
    const disk = openVhd(base, { readOnly: false });
    disk.write(1, 1, pattern(1, 1, 5));
    disk.close();
    const later = new Date(Date.now() + 10_000); // a modification in a later second
    Deno.utimeSync(base, later, later);
    assertChainError(() => openChain(child), /was modified after this child was made/);
  });
});

Deno.test("a chain that loops back to a file already in it is refused", async () => {
  await withTempDir((dir) => {
    const base = join(dir, "base.vhd");
    makeBase(base);
    const c1 = join(dir, "c1.vhd");
    createVhdDifferencing(c1, base);
    const c2 = join(dir, "c2.vhd");
    createVhdDifferencing(c2, c1);
    // base.vhd now holds c2, whose parent is c1, whose parent is base.vhd: a loop.
    Deno.renameSync(c2, base);
    assertChainError(() => openChain(c1), /parent chain loops: .*c1\.vhd is the same file as .*c1\.vhd/);
  });
});

Deno.test("a chain deeper than maxDepth is refused; the default limit is 256 layers", async () => {
  await withTempDir((dir) => {
    let parent = join(dir, "l0.vhd");
    makeBase(parent);
    for (let i = 1; i <= 4; i++) {
      const child = join(dir, `l${i}.vhd`);
      createVhdDifferencing(child, parent);
      parent = child;
    }
    assertChainError(() => openChain(parent, { maxDepth: 3 }), /chain is deeper than the limit of 3 layers/);
    const ok = openChain(parent, { maxDepth: 5 });
    assert.equal(ok.layers.length, 5);
    ok.close();
    const byDefault = openChain(parent);
    assert.equal(byDefault.layers.length, 5);
    byDefault.close();
    assert.equal(DEFAULT_MAX_DEPTH, 256);
  });
});

Deno.test("a parent outside the child's directory tree is refused unless its directory is allowed", async () => {
  await withTempDir((dir) => {
    Deno.mkdirSync(join(dir, "outside"));
    Deno.mkdirSync(join(dir, "inside"));
    const base = join(dir, "outside", "base.vhd");
    makeBase(base);
    const child = join(dir, "inside", "child.vhd");
    createVhdDifferencing(child, base); // W2ru is ..\outside\base.vhd
    const e = assertChainError(() => openChain(child), /outside the allowed directories/);
    assert.ok(e.message.includes("..") || e.message.includes("outside"), e.message);
    const allowed = openChain(child, { allowParentDirs: [join(dir, "outside")] });
    assert.equal(allowed.layers.length, 2);
    allowed.close();
  });
});

Deno.test("a symlinked parent leading outside the allowed directories is refused", async () => {
  await withTempDir((dir) => {
    Deno.mkdirSync(join(dir, "outside"));
    Deno.mkdirSync(join(dir, "inside"));
    const base = join(dir, "inside", "base.vhd");
    makeBase(base);
    const child = join(dir, "inside", "child.vhd");
    createVhdDifferencing(child, base);
    Deno.renameSync(base, join(dir, "outside", "base.vhd"));
    Deno.symlinkSync(join(dir, "outside", "base.vhd"), base);
    assertChainError(() => openChain(child), /symlink leading to .*outside/);
  });
});

Deno.test({
  name: "a FIFO where the parent should be is refused without being opened",
  ignore: !hasTool("mkfifo"),
  fn: async () => {
    await withTempDir((dir) => {
      const base = join(dir, "base.vhd");
      makeBase(base);
      const child = join(dir, "child.vhd");
      createVhdDifferencing(child, base);
      Deno.removeSync(base);
      run("mkfifo", [base]);
      assertChainError(() => openChain(child), /base\.vhd \(is a FIFO\)/);
    });
  },
});

Deno.test("a read-only chain rejects writes, and the top itself must be a regular file", async () => {
  await withTempDir((dir) => {
    const base = join(dir, "base.vhd");
    makeBase(base);
    const chain = openChain(base, { readOnly: true });
    assertChainError(() => chain.write(0, 1, new Uint8Array(512)), /disk is open read-only/);
    chain.close();
    assertChainError(() => openChain(dir), /refusing to open: is a directory/);
  });
});
