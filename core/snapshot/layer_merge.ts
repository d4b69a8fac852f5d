/**
 * The chain-depth merge for rewind: when an evicted rewind point's frozen layer L and the layer
 * P below it are both unreferenced (no listed snapshot froze them) and P has no child but L, L's
 * clusters are copied into P in bounded units ({@link LayerMerge.step}), P is flushed
 * asynchronously and renamed over L (atomic: L's child names the same path and sees the same
 * view), and the open chains swap the two layers for the merged file. At every instant the chain
 * on disk is valid: before the rename P only gained clusters that L shadows.
 */
import { basename, dirname, resolve } from "node:path";
import { openLayer } from "../../disks/formats/registry.ts";
import type { DiskLayer } from "../../disks/layer.ts";
import type { DiskSlot } from "./disk_freeze.ts";
import { syncDirectory } from "./fs_sync.ts";
import type { IndexEntry } from "./snapshot_index.ts";
import type { StateDir } from "./state_dir.ts";

/** One merge: `upper` (L) into `lower` (P), then P renamed over L. */
export interface MergePlan {
  readonly drive: string;
  readonly upper: string;
  readonly lower: string;
}

/** Sectors copied per {@link LayerMerge.step} (one 64 KiB cluster). */
const STEP_SECTORS = 128;

/**
 * The merges an evicted snapshot allows, given the index after its deletion: per drive, its
 * frozen layer (qcow2, in the state directory) and the layer below it (qcow2, in the state
 * directory), neither frozen by a listed snapshot, the lower one with no other child among the
 * state directory's layer files (its backing names are read asynchronously).
 */
export async function planMerges(
  dir: StateDir,
  evicted: IndexEntry,
  listed: readonly IndexEntry[],
): Promise<MergePlan[]> {
  const frozen = new Set(listed.flatMap((e) => e.disks.map((d) => resolve(d.frozenPath))));
  const own = resolve(dir.dir);
  const plans: MergePlan[] = [];
  for (const d of evicted.disks) {
    const upper = resolve(d.frozenPath);
    const i = d.layers.map((l) => resolve(l)).lastIndexOf(upper);
    if (i < 1 || d.format !== "qcow2") continue;
    const lower = resolve(d.layers[i - 1]);
    if (dirname(upper) !== own || dirname(lower) !== own || !lower.endsWith(".qcow2")) continue;
    if (frozen.has(upper) || frozen.has(lower)) continue;
    if (!(await onlyChild(own, lower, upper))) continue;
    plans.push({ drive: d.drive, upper, lower });
  }
  return plans;
}

/** True when no qcow2 file in `dirPath` but `child` names `parent` as its backing file. */
async function onlyChild(dirPath: string, parent: string, child: string): Promise<boolean> {
  try {
    await Deno.stat(child);
    await Deno.stat(parent);
  } catch {
    return false;
  }
  for await (const f of Deno.readDir(dirPath)) {
    if (!f.isFile || !f.name.endsWith(".qcow2")) continue;
    const path = resolve(dirPath, f.name);
    if (path === child || path === parent) continue;
    const backing = await backingOf(path);
    // An unreadable file might be a child: no merge then.
    if (backing === null || (backing !== "" && resolve(dirPath, backing) === parent)) return false;
  }
  return true;
}

/** The backing file name recorded in a qcow2 header (read asynchronously), "" for none, null if unreadable. */
async function backingOf(path: string): Promise<string | null> {
  let file: Deno.FsFile | null = null;
  try {
    file = await Deno.open(path, { read: true });
    const head = new Uint8Array(4096);
    let got = 0;
    while (got < head.length) {
      const n = await file.read(head.subarray(got));
      if (n === null) break;
      got += n;
    }
    const v = new DataView(head.buffer);
    if (got < 20 || v.getUint32(0) !== 0x514649fb) return null;
    const offset = Number(v.getBigUint64(8));
    const size = v.getUint32(16);
    if (offset === 0 || size === 0) return "";
    if (offset + size > got) return null;
    return new TextDecoder().decode(head.subarray(offset, offset + size));
  } catch {
    return null;
  } finally {
    file?.close();
  }
}

/**
 * One merge in progress. {@link step} does one bounded unit (copies one cluster of L into P),
 * then starts P's asynchronous flush and the rename; {@link done} settles once P is renamed over
 * L, the directory synced and the drives' chains swapped.
 */
export class LayerMerge {
  readonly plan: MergePlan;
  readonly #slots: readonly { drive: string; slot: DiskSlot }[];
  #upper: DiskLayer | null = null;
  #lower: DiskLayer | null = null;
  #at = 0;
  #phase: "open" | "copy" | "finishing" | "done" = "open";
  #buf = new Uint8Array(STEP_SECTORS * 512);
  #done = Promise.withResolvers<void>();

  constructor(plan: MergePlan, slots: readonly { drive: string; slot: DiskSlot }[]) {
    this.plan = plan;
    this.#slots = slots;
    this.#done.promise.catch(() => {});
  }

  /** Settles when the merge is complete (or failed: the chain on disk is unchanged then). */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /** One bounded unit; false once nothing is left for pumps (the rest runs asynchronously). */
  step(): boolean {
    try {
      switch (this.#phase) {
        case "open":
          this.#upper = openLayer(this.plan.upper, "qcow2", { readOnly: true });
          this.#lower = openLayer(this.plan.lower, "qcow2", { readOnly: false });
          if (this.#upper.sectorCount !== this.#lower.sectorCount) throw new Error("layer sizes differ");
          this.#phase = "copy";
          return true;
        case "copy":
          this.#copyOne();
          return true;
        default:
          return false;
      }
    } catch (e) {
      this.#fail(e);
      return false;
    }
  }

  /** Copies the next allocated run of L (up to one step's sectors) into P, or starts the finish. */
  #copyOne(): void {
    const upper = this.#upper!, lower = this.#lower!;
    const total = upper.sectorCount;
    while (this.#at < total) {
      const run = upper.allocationRun(this.#at, Math.min(STEP_SECTORS, total - this.#at));
      const n = Math.abs(run);
      if (run > 0) {
        const part = this.#buf.subarray(0, n * 512);
        upper.readOwn(this.#at, n, part);
        lower.write(this.#at, n, part);
        this.#at += n;
        return;
      }
      this.#at += n;
    }
    this.#phase = "finishing";
    this.#finish().then(() => this.#done.resolve(), (e) => this.#fail(e));
  }

  async #finish(): Promise<void> {
    const lower = this.#lower!;
    const flushAsync = (lower as DiskLayer & { flushAsync?: () => Promise<void> }).flushAsync;
    if (flushAsync) await flushAsync.call(lower);
    else lower.flush();
    this.#upper!.close();
    lower.close();
    this.#upper = this.#lower = null;
    // P (with L's clusters) takes L's name: L's child now reads the merged file, same view.
    await Deno.rename(this.plan.lower, this.plan.upper);
    await syncDirectory(dirname(this.plan.upper));
    this.#phase = "done";
    for (const { drive, slot } of this.#slots) {
      if (drive === this.plan.drive) swapMerged(slot, this.plan);
    }
  }

  /**
   * Stops a merge still copying (closing its files; the chain on disk stays valid: P only gained
   * clusters that L shadows). One already flushing or renaming runs to its end.
   */
  abandon(): void {
    if (this.#phase === "open" || this.#phase === "copy") this.#fail(new Error("merge abandoned"));
  }

  #fail(e: unknown): void {
    this.#upper?.close();
    this.#lower?.close();
    this.#upper = this.#lower = null;
    this.#phase = "done";
    this.#done.reject(e);
  }
}

/** In a running chain holding P and L next to each other: the two become the merged file. */
function swapMerged(slot: DiskSlot, plan: MergePlan): void {
  const layers = slot.chain.layers;
  const i = layers.findIndex((l) => resolve(l.path) === plan.lower);
  if (i < 0 || i + 1 >= layers.length - 1 || resolve(layers[i + 1].path) !== plan.upper) return;
  const merged = openLayer(plan.upper, "qcow2", { readOnly: true });
  slot.chain.replaceLayers(i, 2, merged);
}

/** The file name a merge leaves (for notes). */
export function mergedName(plan: MergePlan): string {
  return basename(plan.upper);
}
