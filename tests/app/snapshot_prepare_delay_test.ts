/** The first snapshot's disk children are prepared in the background only after the first second. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DiskSlot } from "../../core/snapshot/disk_freeze.ts";
import { openBootDisks } from "../../tui/app/boot_disks.ts";
import { buildMachine } from "../../tui/app/build_machine.ts";
import { FIRST_PREPARE_DELAY_MS, SnapshotController } from "../../tui/app/snapshots.ts";
import { DEMO_IMG } from "../helpers/guest_driver.ts";

Deno.test("no disk children (no worker, no state directory) before the first second; then they are made", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-prepare-delay-" });
  const disks = openBootDisks([{ path: DEMO_IMG, kind: "floppy" }], { write: false });
  const slot = new DiskSlot(disks.floppies[0]);
  const machine = buildMachine({ floppies: [slot], hardDisks: [] }, { cpu: "80186" });
  let clock = 0;
  const stateDir = join(tmp, "state");
  const snaps = new SnapshotController({
    machine,
    stateDir,
    drives: [{ drive: "a", slot }],
    write: false,
    allowParentDirs: [],
    now: () => clock,
  });
  const slice = Math.round(machine.clock.hz * 0.0015);
  const run = async (slices: number, until: () => boolean = () => false) => {
    for (let i = 0; i < slices && !until(); i++) {
      machine.runCycles(slice);
      snaps.pump(0.5);
      if (i % 4 === 0) await new Promise((r) => setTimeout(r, 0));
    }
  };
  try {
    clock = FIRST_PREPARE_DELAY_MS - 1;
    await run(400);
    assert.equal(snaps.session.disksReady, false);
    assert.equal(existsSync(stateDir), false, "nothing was made in the state directory yet");
    clock = FIRST_PREPARE_DELAY_MS;
    await run(20_000, () => snaps.session.disksReady);
    assert.equal(snaps.session.disksReady, true, `prepared: ${snaps.session.freezer?.lastError ?? ""}`);
  } finally {
    await snaps.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
