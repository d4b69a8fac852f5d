import assert from "node:assert/strict";
import { join } from "node:path";
import { Command } from "@commander-js/extra-typings";
import { registerSnapshotCommands } from "../../cli/snapshot.ts";
import { LazyRestore } from "../../core/snapshot/lazy_restore.ts";
import { SnapshotSession } from "../../core/snapshot/session.ts";
import { StateDir } from "../../core/snapshot/state_dir.ts";
import { FakeMachine } from "./fake_machine.ts";

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Runs `tty86 snapshot …` in-process; returns its output lines and exit code. */
function cli(...args: string[]): { out: string[]; err: string[]; code: number } {
  const out: string[] = [], err: string[] = [];
  const program = new Command().exitOverride();
  registerSnapshotCommands(program, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    exit: (code) => {
      throw new Exit(code);
    },
  });
  try {
    program.parse(["snapshot", ...args], { from: "user" });
  } catch (e) {
    if (e instanceof Exit) return { out, err, code: e.code };
    throw e;
  }
  return { out, err, code: 0 };
}

/** A state dir with a chain of three snapshots a → b → c (b and c are diffs), and c's memory. */
async function makeTree(tmp: string) {
  const dir = new StateDir(join(tmp, "state"));
  const m = new FakeMachine(9);
  const session = new SnapshotSession({ target: m.target, stateDir: dir });
  const take = async (label: string) => {
    const p = session.snapshot(label);
    let done = false;
    p.then(() => done = true, () => done = true);
    for (let i = 0; !done; i++) {
      if (i === 100_000) throw new Error("snapshot not done after 100,000 pumps");
      session.pump(1);
      await new Promise((r) => setTimeout(r, 0));
    }
    return await p;
  };
  m.scribble(30_000);
  const a = await take("boot");
  m.ram.write8(0x3000, 1);
  const b = await take("");
  m.ram.write8(0x4000, 2);
  const c = await take("level 2");
  return { dir, a, b, c, memory: m.capture() };
}

Deno.test("snapshot list shows the tree with time, size, kind and label, and --json the entries", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-cli-" });
  try {
    const { dir, a, b, c } = await makeTree(tmp);
    const r = cli("list", dir.dir);
    assert.equal(r.code, 0);
    assert.equal(r.out.length, 3);
    assert.match(r.out[0], new RegExp(`^${a.id}  \\S+Z  [\\d.]+ KiB \\(full\\)  "boot"$`));
    assert.match(r.out[1], new RegExp(`^└─ ${b.id}  .* \\(diff of ${a.id}\\)$`));
    assert.match(r.out[2], new RegExp(`^   └─ ${c.id}  .* \\(diff of ${b.id}\\)  "level 2"$`));
    const json = JSON.parse(cli("list", dir.dir, "--json").out.join("\n"));
    assert.deepEqual(json.map((e: { id: string }) => e.id), [a.id, b.id, c.id]);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("snapshot info verifies the file and label changes the index", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-cli-" });
  try {
    const { dir, b } = await makeTree(tmp);
    const info = cli("info", dir.dir, b.id);
    assert.equal(info.code, 0);
    assert.ok(info.out.includes("verified:  checksum ok"));
    assert.equal(cli("label", dir.dir, b.id, "before the boss").code, 0);
    assert.equal(dir.entry(b.id).label, "before the boss");

    const bytes = Deno.readFileSync(dir.fileOf(b.id));
    bytes[bytes.length >> 1] ^= 1;
    Deno.writeFileSync(dir.fileOf(b.id), bytes);
    const bad = cli("info", dir.dir, b.id);
    assert.equal(bad.code, 1);
    assert.match(bad.out.at(-1)!, /^verified: {2}FAILED: .*corrupt snapshot \(checksum/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("snapshot delete refuses a snapshot with children, and --force re-bases them without losing data", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-cli-" });
  try {
    const { dir, a, b, c, memory } = await makeTree(tmp);
    const refused = cli("delete", dir.dir, b.id);
    assert.equal(refused.code, 1);
    assert.equal(refused.err.length, 1);
    assert.match(refused.err[0], /has 1 child snapshot\(s\) .*--force re-bases them onto/);
    assert.ok(Deno.statSync(dir.fileOf(b.id)).isFile);

    const forced = cli("delete", dir.dir, b.id, "--force");
    assert.equal(forced.code, 0);
    assert.match(forced.out[0], new RegExp(`^deleted ${b.id}, freed .*; re-based ${c.id}$`));
    const index = dir.readIndex();
    assert.deepEqual(index.snapshots.map((e) => e.id), [a.id, c.id]);
    assert.equal(dir.entry(c.id).parentId, a.id);
    assert.equal(dir.entry(c.id).baseId, a.id);
    assert.throws(() => Deno.statSync(dir.fileOf(b.id)));

    const other = new FakeMachine(1);
    LazyRestore.begin(other.target, await dir.openResolved(c.id)).finishNow();
    assert.deepEqual(other.ram.bytes, memory.ram);
    assert.deepEqual(other.vram.bytes, memory.vram);

    assert.equal(cli("delete", dir.dir, c.id).code, 0);
    const missing = cli("delete", dir.dir, "nope");
    assert.equal(missing.code, 1);
    assert.equal(missing.err[0], `tty86 snapshot: ${dir.dir}: no snapshot nope in the index`);
    assert.equal(
      cli("list", join(tmp, "absent")).err[0],
      `tty86 snapshot: ${join(tmp, "absent")}: no such state directory`,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
