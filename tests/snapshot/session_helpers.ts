/** Helpers the snapshot session tests share: pumping as the emulation loop does, and sector bytes. */
import type { DiskSlot } from "../../core/snapshot/disk_freeze.ts";
import type { SnapshotSession } from "../../core/snapshot/session.ts";

/** Pumps the session (as the emulation loop would) until `p` settles; fails after 100,000 pumps. */
export async function pumpUntil<T>(session: SnapshotSession, p: Promise<T>): Promise<T> {
  let settled = false;
  p.then(() => settled = true, () => settled = true);
  for (let i = 0; !settled && i < 100_000; i++) {
    session.pump(1);
    await new Promise((r) => setTimeout(r, 0));
  }
  if (!settled) throw new Error("not settled after 100,000 pumps");
  return await p;
}

/** One sector filled with `fill`. */
export function sector(fill: number): Uint8Array {
  return new Uint8Array(512).fill(fill);
}

/** The first byte of sector `lba` as the drive reads it. */
export function readSector(slot: DiskSlot, lba: number): number {
  const b = new Uint8Array(512);
  slot.read(lba, 1, b);
  return b[0];
}
