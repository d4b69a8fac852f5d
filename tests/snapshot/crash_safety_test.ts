import assert from "node:assert/strict";
import { join } from "node:path";
import { LazyRestore } from "../../core/snapshot/lazy_restore.ts";
import { SnapshotFile } from "../../core/snapshot/snapshot_file.ts";
import { StateDir } from "../../core/snapshot/state_dir.ts";
import { FakeMachine } from "./fake_machine.ts";
import { expectedStep } from "./step_content.ts";

const CHILD = new URL("../fixtures/snapshot_writer_child.ts", import.meta.url).pathname;
const KILLS = 24;

function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/**
 * Starts the child and resolves once it has listed its first snapshot ("saved"), so that every
 * round completes at least one however slow the machine is; the kill then lands at a random point
 * of the snapshots written after it.
 */
async function startChild(dir: string, first: number): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", "--allow-read", "--allow-write", CHILD, dir, String(first)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  // A child that never saves is killed (its output then ends): a failure, not a hang.
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    while (!text.includes("saved")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`child ended before it saved a snapshot: ${JSON.stringify(text)}`);
      text += new TextDecoder().decode(value);
    }
  } finally {
    clearTimeout(timer);
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return child;
}

/** Offset of the first differing byte, or −1 (keeps failure messages small for 1 MiB arrays). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Restores snapshot `id` into a fresh machine and compares it with its step's contents. */
async function checkRestores(dir: StateDir, id: string, label: string): Promise<void> {
  const k = Number(label.replace("step-", ""));
  const machine = new FakeMachine(0);
  LazyRestore.begin(machine.target, await dir.openResolved(id)).finishNow();
  const want = expectedStep(() => new FakeMachine(0), k);
  assert.equal(firstDifference(machine.ram.bytes, want.ram.bytes), -1, `${id} (${label}) RAM`);
  assert.equal(firstDifference(machine.vram.bytes, want.vram.bytes), -1, `${id} (${label}) VRAM`);
  assert.deepEqual(machine.cpu.saveState(), want.cpu.saveState(), `${id} (${label}) CPU`);
}

Deno.test("killing a snapshot writer at random points never leaves a listed snapshot incomplete or damages earlier ones", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-crash-" });
  const dir = new StateDir(join(tmp, "state"));
  const random = seeded(0x5EED);
  const verified = new Map<string, string>(); // id → label, checked in earlier rounds
  let partialsSeen = 0, wholePartials = 0;
  const unlisted = new Set<string>();
  try {
    for (let round = 0; round < KILLS; round++) {
      const child = await startChild(dir.dir, round * 1000);
      await new Promise((r) => setTimeout(r, 20 + random() * 300));
      child.kill("SIGKILL");
      await child.status;

      const index = dir.readIndex(); // must always parse: it is only ever replaced whole
      const listed = new Set(index.snapshots.map((e) => e.id));
      for (const [id] of verified) assert.ok(listed.has(id), `earlier snapshot ${id} is still listed`);
      for (const e of index.snapshots) {
        if (verified.has(e.id) && random() < 0.7) continue; // re-check a sample of old ones each round
        await checkRestores(dir, e.id, e.label);
        verified.set(e.id, e.label);
      }
      for (const name of dir.strayFiles(index)) {
        const path = join(dir.dir, name);
        if (name.endsWith(".partial")) {
          // Never listed; its content is usually cut short. A kill between the last write and
          // the rename leaves a whole file under the .partial name: still not a snapshot.
          assert.ok(!listed.has(name.replace(".t86snap.partial", "")));
          try {
            await SnapshotFile.read(path);
            wholePartials++;
          } catch (e) {
            assert.match(String(e), /incomplete snapshot|corrupt snapshot|damaged snapshot/);
            partialsSeen++;
          }
          await Deno.remove(path); // as a cleanup tool would
        } else {
          // Renamed into place but killed before the index update: complete and valid.
          unlisted.add(name);
          await SnapshotFile.read(path);
        }
      }
    }
    for (const [id, label] of verified) await checkRestores(dir, id, label);
    assert.ok(verified.size >= KILLS / 2, `only ${verified.size} snapshots were completed`);
    console.log(
      `${verified.size} snapshots verified, ${partialsSeen} cut-short partial files, ` +
        `${wholePartials} whole partial files, ${unlisted.size} complete but unlisted`,
    );
    assert.ok(partialsSeen > 0, "some kills landed while a file was being written");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
