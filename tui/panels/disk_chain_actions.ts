/**
 * The disk chain panel's actions, each checked before it is offered: why it is refused, or what the
 * confirmation says. Actions always apply to the drive's top layer.
 */
import { Dialog } from "./dialog.ts";
import type { DiskLayerView, DriveView } from "./disk_chain_model.ts";
import { baseName } from "./disk_chain_rows.ts";
import { shortBytes } from "./units.ts";

/** What the app is asked to do; `layerIndex` is the top's index (base = 0). */
export interface DiskChainAction {
  type: "commit" | "discard" | "new-child";
  /** The drive's name as given in the model ("C:"). */
  drive: string;
  layerIndex: number;
}

function name(layer: DiskLayerView): string {
  return layer.inMemory ? "the memory overlay" : baseName(layer.path);
}

function written(layer: DiskLayerView): string {
  return layer.allocation.done ? `${shortBytes(layer.allocation.allocatedBytes)} of writes` : "its writes";
}

/** The dialog for an action key on `drive`: a refusal notice or a confirmation carrying the action. */
export function actionDialog(type: DiskChainAction["type"], drive: DriveView): Dialog<DiskChainAction> {
  const layers = drive.layers;
  if (layers.length === 0) return Dialog.notice("Nothing to do", [`${drive.name} has no disk.`]);
  const top = layers[layers.length - 1];
  const parent = layers.length > 1 ? layers[layers.length - 2] : null;
  const action: DiskChainAction = { type, drive: drive.name, layerIndex: top.index };
  switch (type) {
    case "commit":
      if (parent === null) {
        return Dialog.notice("Cannot commit", [
          `${name(top)} is the base image: it has no parent to commit into.`,
        ]);
      }
      if (parent.frozenBy !== null) {
        return Dialog.notice("Cannot commit", [
          `Snapshot ${parent.frozenBy} depends on ${
            name(parent)
          }: committing into it would change that snapshot's disk.`,
          "Delete the snapshot first, or start a new child instead.",
        ]);
      }
      return Dialog.confirm(`Commit ${drive.name} top layer?`, [
        `${name(top)} (${written(top)}) is merged into ${name(parent)}, which becomes the top.`,
        "This changes the parent file and cannot be undone.",
      ], action);
    case "discard":
      if (parent === null) {
        return Dialog.notice("Cannot discard", [
          `${name(top)} is the base image: there is nothing to roll back to.`,
        ]);
      }
      if (top.frozenBy !== null) {
        return Dialog.notice("Cannot discard", [`Snapshot ${top.frozenBy} depends on ${name(top)}.`]);
      }
      return Dialog.confirm(`Discard ${drive.name} top layer?`, [
        `${name(top)} and ${written(top)} are thrown away; the disk rolls back to ${name(parent)}.`,
        "This cannot be undone.",
      ], action);
    case "new-child":
      if (top.inMemory) {
        return Dialog.notice("Cannot start a child", [
          "The top is an in-memory overlay: a file child cannot go over it.",
        ]);
      }
      return Dialog.confirm(`Start a new child on ${drive.name}?`, [
        `${name(top)} becomes read-only; from now on writes go to a new child layer.`,
      ], action);
  }
}
