/**
 * The demo machine with a SnapshotController on a rewind ring of 2 (points every 1000 ms of a
 * fake clock), shared by the rewind tests: `step` runs the machine in app-sized slices, pumping
 * snapshot work and yielding to the event loop, until a condition holds; `takePoint` advances
 * the clock and waits for the next rewind point.
 */
import { join } from "node:path";
import { DiskSlot } from "../../core/snapshot/disk_freeze.ts";
import { openBootDisks } from "../../tui/app/boot_disks.ts";
import { buildMachine } from "../../tui/app/build_machine.ts";
import { SnapshotController } from "../../tui/app/snapshots.ts";
import { DEMO_IMG } from "../helpers/guest_driver.ts";

export async function rewindRig(prefix: string, maxSlices: number, describe: () => string = () => "") {
  const tmp = await Deno.makeTempDir({ prefix });
  const disks = openBootDisks([{ path: DEMO_IMG, kind: "floppy" }], { write: false });
  const slot = new DiskSlot(disks.floppies[0]);
  const machine = buildMachine({ floppies: [slot], hardDisks: [] }, { cpu: "80186" });
  let clock = 0;
  const snaps = new SnapshotController({
    machine,
    stateDir: join(tmp, "state"),
    drives: [{ drive: "a", slot }],
    write: false,
    allowParentDirs: [],
    rewind: { intervalMs: 1000, count: 2 },
    now: () => clock,
  });
  const slice = Math.round(machine.clock.hz * 0.0015);
  const step = async (until: () => boolean, what: string) => {
    for (let i = 0; !until(); i++) {
      if (i > maxSlices) throw new Error(`timed out waiting for ${what}${describe()}`);
      machine.runCycles(slice);
      snaps.pump(0.5);
      if (i % 4 === 0) await new Promise((r) => setTimeout(r, 0));
    }
  };
  const takePoint = async () => {
    const last = snaps.rewindRing.at(-1);
    clock += 1000;
    await step(() => snaps.rewindRing.length > 0 && snaps.rewindRing.at(-1) !== last, "a rewind point");
  };
  return { tmp, slot, machine, snaps, step, takePoint };
}
