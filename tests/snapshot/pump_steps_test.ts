import assert from "node:assert/strict";
import { join } from "node:path";
import { openChain } from "../../disks/chain.ts";
import { createImage } from "../../disks/open.ts";
import { DiskSlot } from "../../core/snapshot/disk_freeze.ts";
import { SnapshotSession } from "../../core/snapshot/session.ts";
import { StateDir } from "../../core/snapshot/state_dir.ts";
import { FakeMachine } from "./fake_machine.ts";
import { sector } from "./session_helpers.ts";

const DENO_SYNC = [
  "openSync",
  "createSync",
  "mkdirSync",
  "renameSync",
  "removeSync",
  "statSync",
  "lstatSync",
  "realPathSync",
  "readFileSync",
  "writeFileSync",
  "truncateSync",
  "copyFileSync",
] as const;
const FILE_SYNC = ["readSync", "writeSync", "seekSync", "syncSync", "statSync", "truncateSync"] as const;

type Fn = (...args: unknown[]) => unknown;

/** Counts synchronous file-system calls (Deno.*Sync and FsFile#*Sync) while installed. */
function instrument(): { calls: string[]; restore: () => void } {
  const calls: string[] = [];
  const deno = Deno as unknown as Record<string, Fn>;
  const proto = Deno.FsFile.prototype as unknown as Record<string, Fn>;
  const saved: [Record<string, Fn>, string, Fn][] = [];
  for (const name of DENO_SYNC) {
    const original = deno[name];
    saved.push([deno, name, original]);
    deno[name] = (...args: unknown[]) => {
      calls.push(name);
      return original(...args);
    };
  }
  for (const name of FILE_SYNC) {
    const original = proto[name];
    saved.push([proto, name, original]);
    proto[name] = function (this: unknown, ...args: unknown[]) {
      calls.push(`file.${name}`);
      return original.apply(this, args);
    };
  }
  return { calls, restore: () => saved.forEach(([o, n, f]) => o[n] = f) };
}

Deno.test("every pump step makes at most one synchronous file call (an open), none reads or syncs", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-pump-steps-" });
  const image = join(tmp, "disk.img");
  createImage(image, { size: 1 << 20 });
  const slot = new DiskSlot(openChain(image));
  const dir = new StateDir(join(tmp, "state"));
  const m = new FakeMachine(9);
  const session = new SnapshotSession({ target: m.target, stateDir: dir, drives: [{ drive: "c", slot }] });
  const steps: string[][] = [];
  const probe = instrument();
  // The instrumentation sees calls at all (it would otherwise prove nothing).
  Deno.statSync(tmp);
  assert.deepEqual(probe.calls.splice(0), ["statSync"]);
  const pumpWhile = async (more: () => boolean) => {
    for (let i = 0; more() && i < 100_000; i++) {
      probe.calls.length = 0;
      session.pump(0.5);
      steps.push(probe.calls.splice(0));
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  try {
    slot.write(0, 1, sector(0x11));
    session.prepareNext();
    await pumpWhile(() => !session.disksReady);
    const ids: string[] = [];
    for (let round = 0; round < 3; round++) {
      await pumpWhile(() => !session.disksReady);
      let entry: { id: string } | null = null;
      session.snapshot(`s${round}`).then((e) => entry = e);
      await pumpWhile(() => entry === null);
      ids.push(entry!.id);
      slot.write(0, 1, sector(0x20 + round));
    }
    // The latest snapshot is made ready in the background (driven by pump): the restore attaches.
    const latest = ids[2];
    await pumpWhile(() => !session.restoreReady(latest));
    assert.ok(session.restoreReady(latest));
    let done = false;
    session.restore(latest).then(() => done = true);
    await pumpWhile(() => !done || session.status.restoring);
    const b = new Uint8Array(512);
    slot.read(0, 1, b);
    assert.equal(b[0], 0x21, "the disk as at the latest snapshot");
    // And a cold one (an older snapshot).
    done = false;
    session.restore(ids[0]).then(() => done = true);
    await pumpWhile(() => !done || session.status.restoring);
    slot.read(0, 1, b);
    assert.equal(b[0], 0x11);
  } finally {
    probe.restore();
    await session.close();
    slot.close();
    await Deno.remove(tmp, { recursive: true });
  }
  assert.ok(steps.length > 10);
  for (const [i, calls] of steps.entries()) {
    assert.ok(
      calls.length <= 1 && calls.every((c) => c === "openSync"),
      `pump step ${i} made synchronous file calls: ${calls.join(", ")}`,
    );
  }
});
