/** discard (confirmation, refusals), check (per format, repair), commit refusals, and one-line errors. */
import assert from "node:assert/strict";
import type { CheckReport } from "../../disks/ops/check.ts";
import { buildChain, CHAIN_KINDS, disk, diskJson, fileHash, tempDir } from "./disk_helpers.ts";

for (const kind of CHAIN_KINDS) {
  Deno.test(`disk discard (${kind} base): asks, refuses bases and parents, deletes children`, async () => {
    const t = tempDir();
    try {
      const { base, child } = await buildChain(t.path, kind);
      const no = await disk(["discard", child], false);
      assert.equal(no.code, 0);
      assert.ok(Deno.statSync(child).isFile, "a 'no' keeps the file");
      const nobody = await disk(["discard", child], null);
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr, /confirmation needed \(pass --yes\)/);
      const parent = await disk(["discard", base, "--yes", "--force"]);
      assert.equal(parent.code, 1);
      assert.match(parent.stderr, /other images depend on it/);
      const baseOnly = await disk(["discard", base, "--yes"]);
      assert.match(baseOnly.stderr, /is a base image/);
      const yes = await disk(["discard", child], true);
      assert.equal(yes.code, 0, yes.stderr);
      assert.throws(() => Deno.statSync(child));
      assert.equal((await disk(["discard", base, "--yes", "--force"])).code, 0);
    } finally {
      t.cleanup();
    }
  });

  Deno.test(`disk commit (${kind} base): refused while another child depends on the parent`, async () => {
    const t = tempDir();
    try {
      const { base, child } = await buildChain(t.path, kind);
      const sibling = t.path(`sibling.${kind === "vhd" ? "vhd" : "qcow2"}`);
      await disk(["create", sibling, "--parent", base]);
      const baseHash = await fileHash(base);
      const r = await disk(["commit", child]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /other images depend on the parent .*sibling/);
      assert.equal(r.stderr.split("\n").length, 1);
      assert.equal(await fileHash(base), baseHash, "a refused commit writes nothing");
      assert.equal((await disk(["commit", child, "--force"])).code, 0);
    } finally {
      t.cleanup();
    }
  });
}

Deno.test("disk check: clean images of each format, raw size rule, VHD leak repair, JSON shape", async () => {
  const t = tempDir();
  try {
    for (const name of ["a.img", "b.vhd", "c.qcow2"]) {
      await disk(["create", t.path(name), "--size", "1M"]);
      const report = await diskJson<CheckReport>(["check", t.path(name)]);
      assert.deepEqual(report.errors, []);
      assert.deepEqual(Object.keys(report).sort(), [
        "errors",
        "file",
        "format",
        "leakedBytes",
        "repaired",
        "warnings",
      ]);
    }
    Deno.writeFileSync(t.path("odd.img"), new Uint8Array(1000));
    const odd = await disk(["check", t.path("odd.img")]);
    assert.equal(odd.code, 1);
    assert.match(odd.stdout, /not a multiple of 512/);

    // Space appended after a VHD's trailing footer (then a footer again) is a leak that repair cuts.
    const vhd = Deno.readFileSync(t.path("b.vhd"));
    const leaky = new Uint8Array(vhd.length + 4096);
    leaky.set(vhd.subarray(0, vhd.length - 512));
    leaky.set(vhd.subarray(vhd.length - 512), leaky.length - 512);
    Deno.writeFileSync(t.path("leaky.vhd"), leaky);
    const found = await diskJson<CheckReport>(["check", t.path("leaky.vhd")]);
    assert.ok(found.leakedBytes > 0);
    assert.deepEqual(found.errors, []);
    const fixed = await diskJson<CheckReport>(["check", t.path("leaky.vhd"), "--repair"]);
    assert.ok(fixed.repaired.length > 0);
    assert.equal((await diskJson<CheckReport>(["check", t.path("leaky.vhd")])).leakedBytes, 0);
  } finally {
    t.cleanup();
  }
});

Deno.test("disk errors: missing file, corrupt header, bad option give one line and a non-zero exit", async () => {
  const t = tempDir();
  try {
    await disk(["create", t.path("q.qcow2"), "--size", "1M"]);
    const bytes = Deno.readFileSync(t.path("q.qcow2"));
    bytes[4] = 0x7f; // version
    Deno.writeFileSync(t.path("bad.qcow2"), bytes);
    await disk(["create", t.path("v.vhd"), "--size", "1M"]);
    const v = Deno.readFileSync(t.path("v.vhd"));
    v[v.length - 512 + 70] ^= 0xff; // footer unique id: checksum no longer matches
    v[70] ^= 0xff;
    Deno.writeFileSync(t.path("bad.vhd"), v);
    const cases: [string[], RegExp][] = [
      [["info", t.path("missing.vhd")], /missing\.vhd: cannot open/],
      [["info", t.path("bad.qcow2")], /bad\.qcow2: qcow2: unsupported version/],
      [["map", t.path("bad.qcow2")], /bad\.qcow2: qcow2: unsupported version/],
      [["info", t.path("bad.vhd")], /bad\.vhd: .*checksum/],
      [["check", t.path("missing.qcow2")], /missing\.qcow2: cannot open/],
      [["convert", t.path("bad.vhd"), t.path("out.img")], /bad\.vhd: /],
      [["commit", t.path("q.qcow2")], /q\.qcow2: has no parent/],
      [["rebase", t.path("v.vhd"), "--parent", t.path("q.qcow2")], /VHD/],
      [["create", t.path("x.vhd"), "--size", "1M", "--type", "sparse"], /unknown VHD type/],
      [["create", t.path("x.img"), "--size", "1M", "--format", "vmdk"], /unknown format/],
      [["info", t.dir], /is a directory/],
    ];
    for (const [args, expected] of cases) {
      const r = await disk(args);
      assert.notEqual(r.code, 0, args.join(" "));
      assert.match(r.stderr, expected, args.join(" "));
      assert.equal(r.stderr.split("\n").length, 1, `one line for ${args.join(" ")}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    const check = await disk(["check", t.path("bad.qcow2")]);
    assert.notEqual(check.code, 0);
  } finally {
    t.cleanup();
  }
});
