/**
 * Live snapshots wired into `tty86 run`: the fire demo snapshotted while it runs and restored
 * exactly; `--restore` from the command line boots into a snapshot; a mismatched machine is refused.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Machine } from "../../core/machine/machine.ts";
import { DiskSlot } from "../../core/snapshot/disk_freeze.ts";
import { MemoryOverlay } from "../../disks/memory_overlay.ts";
import { openBootDisks } from "../../tui/app/boot_disks.ts";
import { buildMachine } from "../../tui/app/build_machine.ts";
import { screenText } from "../../tui/app/screen_text.ts";
import { parseRewind, SnapshotController } from "../../tui/app/snapshots.ts";
import { DEMO_IMG, KEY } from "../helpers/guest_driver.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const MENU_TITLE = "t t y 8 6    demo disk";
const SLICE_SECONDS = 0.0015;

interface Rig {
  machine: Machine;
  slot: DiskSlot;
  snaps: SnapshotController;
}

function boot(stateDir: string): Rig {
  const disks = openBootDisks([{ path: DEMO_IMG, kind: "floppy" }], { write: false });
  const slot = new DiskSlot(disks.floppies[0]);
  const machine = buildMachine({ floppies: [slot], hardDisks: [] }, { cpu: "80186" });
  const snaps = new SnapshotController({
    machine,
    stateDir,
    drives: [{ drive: "a", slot }],
    write: false,
    allowParentDirs: [],
  });
  return { machine, slot, snaps };
}

/** Runs emulated time as the app does: a slice, then the snapshot pump. */
function run(rig: Rig, seconds: number): void {
  const slice = Math.round(rig.machine.clock.hz * SLICE_SECONDS);
  const end = rig.machine.emulatedSeconds() + seconds;
  while (rig.machine.emulatedSeconds() < end) {
    rig.machine.runCycles(slice);
    rig.snaps.pump(0.5);
  }
}

function screen(rig: Rig): string {
  const f = rig.machine.video.takeFrame();
  return f.kind === "text" ? screenText(f) : "";
}

function waitForMenu(rig: Rig): void {
  for (let i = 0; i < 100 && !screen(rig).includes(MENU_TITLE); i++) run(rig, 0.1);
  assert.ok(screen(rig).includes(MENU_TITLE), `no menu:\n${screen(rig)}`);
}

function press(rig: Rig, code: number): void {
  rig.machine.keyboard.keyEvent(code, true);
  run(rig, 0.02);
  rig.machine.keyboard.keyEvent(code, false);
  run(rig, 0.02);
}

/** Keeps the guest running (and the pump going) until `p` settles; emulated time, no wall-clock limit. */
async function runUntil<T>(rig: Rig, p: Promise<T>): Promise<T> {
  let settled = false;
  p.then(() => settled = true, () => settled = true);
  for (let i = 0; !settled && i < 20_000; i++) {
    run(rig, 0.005);
    await new Promise((r) => setTimeout(r, 0));
  }
  if (!settled) throw new Error(`not settled after 100 s of emulated time`);
  return await p;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

const CONVENTIONAL = 0xA0000;

Deno.test("a live snapshot of the running fire demo restores the exact machine state", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-snapint-" });
  const rig = boot(join(tmp, "state"));
  try {
    waitForMenu(rig);
    press(rig, KEY.digit(1));
    run(rig, 0.5);
    assert.equal(rig.machine.vga.saveState() !== null, true);
    const m = rig.machine;
    assert.equal(m.video.takeFrame().kind, "graphics", "the fire runs in mode 13h");

    // The instant of the snapshot.
    const ramHash = await sha256(m.memory.bytes.subarray(0, CONVENTIONAL));
    const vramHash = await sha256(m.vga.vram.bytes);
    const cpu = m.cpu.saveState();
    const vga = m.vga.saveState();
    const request = rig.snaps.snapshot("fire");
    assert.equal(request.queued, false);
    assert.ok(rig.slot.chain.top instanceof MemoryOverlay === false, "the overlay went into a file child");

    // The guest goes on (the fire animates) while pages are saved in the background.
    const entry = await runUntil(rig, request.done);
    run(rig, 0.3);
    assert.notEqual(await sha256(m.vga.vram.bytes), vramHash, "the fire changed VRAM after the snapshot");
    assert.equal(entry.label, "fire");
    assert.equal(entry.disks.length, 1);
    assert.equal(rig.snaps.latestId(), entry.id);

    await rig.snaps.restore(entry.id);
    // CPU and devices at once; VRAM eagerly; RAM lazily.
    assert.deepEqual(m.cpu.saveState(), cpu);
    assert.equal(await sha256(m.vga.vram.bytes), vramHash);
    rig.snaps.finishRestore();
    assert.equal(await sha256(m.memory.bytes.subarray(0, CONVENTIONAL)), ramHash);
    assert.deepEqual(m.vga.saveState(), vga);
    assert.equal(rig.snaps.session.baseId, entry.id);

    // The fire goes on from there.
    run(rig, 0.2);
    assert.equal(m.video.takeFrame().kind, "graphics");
    assert.notEqual(await sha256(m.vga.vram.bytes), vramHash);

    // A second snapshot while one is saving is queued.
    const a = rig.snaps.snapshot("a");
    const b = rig.snaps.snapshot("b");
    assert.equal(a.queued, false);
    assert.equal(b.queued, true);
    const [ea, eb] = await runUntil(rig, Promise.all([a.done, b.done]));
    assert.equal(eb.parentId, ea.id);
    assert.equal(ea.parentId, entry.id);
  } finally {
    await rig.snaps.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("tty86 run --headless --restore boots into a snapshot; a different machine is refused", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-snapcli-" });
  const stateDir = join(tmp, "state");
  const rig = boot(stateDir);
  let id: string;
  let atSnapshot: string;
  try {
    waitForMenu(rig);
    run(rig, 0.2);
    atSnapshot = screen(rig);
    const request = rig.snaps.snapshot("menu");
    id = (await runUntil(rig, request.done)).id;
    // Away from the menu before closing: the snapshot must bring the menu back, not the last screen.
    press(rig, KEY.digit(1));
    run(rig, 0.3);
  } finally {
    await rig.snaps.close();
  }
  try {
    const out = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "run",
        "--headless",
        "--restore",
        id,
        "--state-dir",
        stateDir,
        "--screen",
        "-",
      ] //
        .concat(["--timeout", "0.5"]),
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    const d = new TextDecoder();
    assert.equal(out.code, 0, d.decode(out.stderr));
    const shown = d.decode(out.stdout);
    assert.ok(shown.includes(MENU_TITLE), shown);
    assert.equal(shown.trimEnd(), atSnapshot.trimEnd());

    // By file name too; and the 8086 is a different machine: one line, exit code 1.
    const bad = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "run",
        "--headless",
        "--cpu",
        "8086",
        "--restore",
        join(stateDir, `${id}.t86snap`),
      ],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    const err = d.decode(bad.stderr).trim();
    assert.equal(bad.code, 1);
    assert.equal(err.split("\n").length, 1, err);
    assert.match(err, /^tty86: .*made for a different machine: CPU model 80186/);

    // Only the layers snapshots refer to are left in the state directory.
    const layers = [...Deno.readDirSync(stateDir)].map((e) => e.name).filter((n) => /\.(qcow2|vhd)$/.test(n));
    assert.equal(layers.length, 1, layers.join(", "));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("--rewind parses <interval>:<count>", () => {
  assert.deepEqual(parseRewind("5s:60"), { intervalMs: 5000, count: 60 });
  assert.deepEqual(parseRewind("500ms:3"), { intervalMs: 500, count: 3 });
  assert.deepEqual(parseRewind("2m:1"), { intervalMs: 120_000, count: 1 });
  assert.throws(() => parseRewind("5s"), /expected <interval>:<count>/);
  assert.throws(() => parseRewind("10ms:3"), /at least 100ms/);
});
