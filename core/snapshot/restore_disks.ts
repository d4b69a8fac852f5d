/**
 * Opens the disk chains a cold restore switches to, at once and without waiting for a worker:
 * each drive's chain is the snapshot's frozen layer and its parents, sharing every layer the
 * running chain already has open (a restore usually goes back along the same branch, so most
 * layers are shared and nothing is opened), with a new writable child on top created on this
 * thread without fsync (a few file calls, ~0.3 ms; {@link RestoreDisks.durable} then syncs the
 * file and its directory in the background). A worker-made child would cost the user several
 * ms of waiting, and opening a chain layer by layer ~0.3 ms per layer.
 *
 * @example
 * ```ts
 * const disks = openRestoreDisks(records, stateDir, tag, (drive) => slots.get(drive)!.chain);
 * disks.attach(); // in the pause (a no-op: the children are already on)
 * const old = slot.swap(disks.drives[0].chain);
 * await closeChainAsync(old, disks.shared(old));
 * ```
 */
import { dirname } from "node:path";
import type { DiskChain } from "../../disks/chain.ts";
import { layerFileIdentity, openChainSteps } from "../../disks/chain.ts";
import { createQcow2 } from "../../disks/formats/qcow2/create.ts";
import { openQcow2Preloaded } from "../../disks/formats/qcow2/qcow2_image.ts";
import type { DiskLayer, ImageFormat } from "../../disks/layer.ts";
import { MemoryOverlay } from "../../disks/memory_overlay.ts";
import { relative, resolve } from "node:path";
import { SnapshotError } from "./errors.ts";
import type { DiskRecord } from "./format.ts";
import { childFormat, childPath, type PreparedDisks, reopenError, verifyDiskRecord } from "./disk_freeze.ts";
import { fsyncAsync, syncDirectory } from "./fs_sync.ts";

/** Disk chains for a restore, opened; see {@link openRestoreDisks}. */
export interface RestoreDisks extends PreparedDisks {
  /** The layers of `old` (a chain being replaced) that a new chain shares: not to be closed with it. */
  shared(old: DiskChain): ReadonlySet<DiskLayer>;
  /** Settles once the new children are durable (file and directory synced). */
  readonly durable: Promise<void>;
}

/**
 * For each record: verifies the frozen layer, opens its chain read-only (sharing the layers
 * `running(drive)` has open) and puts a new child named after `tag` in `stateDir` on it.
 * On any failure everything opened here is closed and the children are deleted.
 */
export function openRestoreDisks(
  records: readonly DiskRecord[],
  stateDir: string,
  tag: string,
  running: (drive: string) => DiskChain | undefined,
): RestoreDisks {
  const out: { drive: string; chain: DiskChain; own: DiskLayer[] }[] = [];
  const made: string[] = [];
  const sharedLayers = new Set<DiskLayer>();
  const syncs: Promise<void>[] = [];
  const closeAll = () => {
    for (const d of out) for (const l of d.own) l.close();
    for (const path of made) {
      try {
        Deno.removeSync(path);
      } catch {
        // never made
      }
    }
  };
  try {
    for (const r of records) {
      verifyDiskRecord(r);
      const reuse = reuserOf(running(r.drive));
      const steps = openChainSteps(r.frozenPath, {
        readOnly: true,
        format: r.format as ImageFormat,
        allowParentDirs: [...new Set(r.layers.map((l) => dirname(l)))],
        reuse: (identity) => {
          const layers = reuse(identity);
          for (const l of layers ?? []) sharedLayers.add(l);
          return layers;
        },
      });
      let step = steps.next();
      while (!step.done) step = steps.next();
      const chain = step.value;
      const own = chain.layers.filter((l) => !sharedLayers.has(l));
      const entry = { drive: r.drive, chain, own };
      out.push(entry);
      const format = childFormat(chain.top.format);
      const path = childPath(stateDir, r.drive, tag, format);
      made.push(path);
      if (format === "qcow2") {
        const child = createChildQuickly(path, chain.top);
        own.push(child);
        chain.attachChild(child);
        syncs.push(fsyncAsync(path).then(() => syncDirectory(dirname(path))));
      } else {
        // VHD children are made (and synced) the usual way; VHD chains are rare in state directories.
        own.push(chain.pushChild(path, format));
      }
    }
  } catch (e) {
    closeAll();
    throw reopenError(stateDir, e);
  }
  return {
    drives: out.map((d) => ({ drive: d.drive, chain: d.chain })),
    attach: () => {},
    abort: closeAll,
    shared: (old) => new Set(old.layers.filter((l) => sharedLayers.has(l))),
    durable: Promise.all(syncs).then(() => {}),
  };
}

/**
 * File identities of open layers, found once per layer object (a realpath and a stat each, for
 * every layer of the running chain at every restore otherwise). A layer object keeps its file.
 */
const identities = new WeakMap<DiskLayer, string>();

/** Which layers of `chain` (its read-only ones, below the top) can be shared, by file identity. */
function reuserOf(chain: DiskChain | undefined): (identity: string) => DiskLayer[] | null {
  if (chain === undefined) return () => null;
  let byIdentity: Map<string, number> | null = null;
  const layers = chain.layers;
  return (identity) => {
    if (byIdentity === null) {
      byIdentity = new Map();
      // The top is written to; an in-memory overlay has no file.
      for (let i = 0; i + 1 < layers.length; i++) {
        const l = layers[i];
        if (l instanceof MemoryOverlay) continue;
        try {
          let identity = identities.get(l);
          if (identity === undefined) {
            identity = layerFileIdentity(l.path);
            identities.set(l, identity);
          }
          byIdentity.set(identity, i);
        } catch {
          // Gone or unreadable: not shared.
        }
      }
    }
    const at = byIdentity.get(identity);
    return at === undefined ? null : layers.slice(0, at + 1);
  };
}

/** Creates an empty qcow2 child of `parent` at `path` and opens it writable, without fsync. */
function createChildQuickly(path: string, parent: DiskLayer): DiskLayer {
  const backingFile = relative(dirname(resolve(path)), resolve(parent.path));
  const preload = createQcow2(path, {
    size: parent.sectorCount * 512,
    backingFile,
    backingFormat: parent.format,
    durable: false,
  });
  const child = openQcow2Preloaded(path, preload, { readOnly: false });
  const problem = child.parentRef?.verify?.(parent) ?? null;
  if (problem) {
    child.close();
    throw new SnapshotError(path, problem);
  }
  return child;
}
