/** commit, rebase, convert and compare on chains over raw, VHD and qcow2 bases. */
import assert from "node:assert/strict";
import type { CommitResult } from "../../disks/ops/commit.ts";
import type { CompareResult } from "../../disks/ops/compare.ts";
import type { ImageInfo } from "../../disks/ops/info.ts";
import {
  buildChain,
  CHAIN_KINDS,
  disk,
  diskJson,
  fileHash,
  hasQemuImg,
  qemuImg,
  readAll,
  tempDir,
  writeAt,
} from "./disk_helpers.ts";

for (const kind of CHAIN_KINDS) {
  Deno.test(`disk commit (${kind} base): parent gets the child's data, child emptied or deleted`, async () => {
    const t = tempDir();
    try {
      const { base, child } = await buildChain(t.path, kind);
      const before = readAll(child);
      const r = await diskJson<CommitResult>(["commit", child]);
      assert.equal(r.parent, base);
      assert.equal(r.child_action, "emptied");
      assert.ok(r.bytesCommitted >= 71 * 512);
      assert.deepEqual(readAll(base), before, "the parent alone now holds the whole disk");
      assert.deepEqual(readAll(child), before, "the emptied child still shows the same disk");
      assert.equal((await diskJson<ImageInfo>(["info", child])).allocatedBytes, 0);
      assert.equal((await disk(["check", child])).code, 0);
      assert.equal((await disk(["check", base])).code, 0);

      writeAt(child, 10, 1, 9);
      const gone = await diskJson<CommitResult>(["commit", child, "--discard"]);
      assert.equal(gone.child_action, "deleted");
      assert.throws(() => Deno.statSync(child));
    } finally {
      t.cleanup();
    }
  });

  Deno.test(`disk rebase (${kind} base): safe keeps content, unsafe rewrites only the pointer`, async () => {
    const t = tempDir();
    try {
      const { base, child } = await buildChain(t.path, kind);
      const other = t.path(`other.${kind === "raw" ? "img" : kind}`);
      await disk(["create", other, "--size", "4M"]);
      writeAt(other, 3050, 10, 7); // differs from the base where the child has nothing
      const before = readAll(child);
      const baseHash = await fileHash(base);
      const r = await disk(["rebase", child, "--parent", other]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await diskJson<ImageInfo[]>(["info", child, "--chain"]))[1].file, other);
      assert.deepEqual(readAll(child), before, "safe rebase keeps the disk's content");
      assert.equal(await fileHash(base), baseHash, "the old parent is untouched");
      assert.equal((await disk(["check", child])).code, 0);

      const unsafe = await disk(["rebase", child, "--parent", base, "--unsafe"]);
      assert.equal(unsafe.code, 0, unsafe.stderr);
      assert.equal((await diskJson<ImageInfo[]>(["info", child, "--chain"]))[1].file, base);
      assert.deepEqual(readAll(child), before, "the child holds the copied sectors, so content is unchanged");
    } finally {
      t.cleanup();
    }
  });

  Deno.test(`disk convert and compare (${kind} base): every output format equals the chain`, async () => {
    const t = tempDir();
    try {
      const { child } = await buildChain(t.path, kind);
      for (const format of ["raw", "vhd", "qcow2"]) {
        const out = t.path(`flat-${format}.${format === "raw" ? "img" : format}`);
        const r = await disk(["convert", child, out, "--format", format]);
        assert.equal(r.code, 0, r.stderr);
        const same = await disk(["compare", child, out]);
        assert.equal(same.code, 0, same.stdout + same.stderr);
        assert.match(same.stdout, /identical/);
        assert.equal((await disk(["check", out])).code, 0);
        assert.equal((await diskJson<ImageInfo>(["info", out])).parent, null);
      }
      assert.ok(Deno.statSync(t.path("flat-qcow2.qcow2")).size < 1024 * 1024, "zeros are not written");
      assert.deepEqual([...Deno.readDirSync(t.dir)].filter((e) => e.name.endsWith(".tmp")), []);
      writeAt(t.path("flat-qcow2.qcow2"), 4000, 1, 5);
      const diff = await disk(["compare", child, t.path("flat-qcow2.qcow2")]);
      assert.equal(diff.code, 1);
      assert.match(diff.stdout, /sector 4000/);
      const json = await disk(["compare", child, t.path("flat-qcow2.qcow2"), "--json"]);
      assert.equal((JSON.parse(json.stdout) as CompareResult).firstDifferentSector, 4000);
      const refused = await disk(["convert", child, t.path("flat-raw.img")]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /already exists/);
    } finally {
      t.cleanup();
    }
  });
}

Deno.test("disk compare: exit 2 on error, sizes differing only by zeros are equal", async () => {
  const t = tempDir();
  try {
    await disk(["create", t.path("a.img"), "--size", "1M"]);
    await disk(["create", t.path("b.img"), "--size", "2M"]);
    assert.equal((await disk(["compare", t.path("a.img"), t.path("b.img")])).code, 0);
    writeAt(t.path("b.img"), 3000, 1, 1);
    assert.equal((await disk(["compare", t.path("a.img"), t.path("b.img")])).code, 1);
    const missing = await disk(["compare", t.path("a.img"), t.path("none.img")]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.split("\n").length, 1);
  } finally {
    t.cleanup();
  }
});

Deno.test({
  name: "disk convert: output matches qemu-img convert of the same chain (qemu-img compare)",
  ignore: !hasQemuImg(),
  fn: async () => {
    const t = tempDir();
    try {
      // QEMU's vpc driver does not follow differencing VHDs, so only chains it can read are compared.
      for (const kind of ["raw", "qcow2"] as const) {
        const { child } = await buildChain((n) => t.path(`${kind}-${n}`), kind);
        for (const format of ["raw", "qcow2", "vhd"]) {
          const ours = t.path(`${kind}-ours.${format}`);
          const theirs = t.path(`${kind}-qemu.${format}`);
          assert.equal((await disk(["convert", child, ours, "--format", format])).code, 0);
          const qfmt = format === "vhd" ? "vpc" : format;
          const made = qemuImg(["convert", "-O", qfmt, child, theirs]);
          assert.equal(made.code, 0, made.stderr);
          const cmp = qemuImg(["compare", "-f", qfmt, "-F", qfmt, ours, theirs]);
          assert.equal(cmp.code, 0, `${kind}→${format}: ${cmp.stdout}${cmp.stderr}`);
          const chainCmp = qemuImg(["compare", "-F", qfmt, child, ours]);
          assert.equal(chainCmp.code, 0, `${kind}→${format} vs chain: ${chainCmp.stdout}${chainCmp.stderr}`);
        }
      }
    } finally {
      t.cleanup();
    }
  },
});
if (!hasQemuImg()) console.log("skipping the qemu-img comparison: qemu-img is not installed");
