/**
 * The snapshot tree panel's actions and what each confirmation says (or why it is refused).
 */
import { Dialog } from "./dialog.ts";
import type { SnapshotTreeModel, SnapshotView } from "./snapshot_tree_model.ts";
import { descendantsOf, displayName } from "./snapshot_tree_rows.ts";
import { longBytes } from "./units.ts";

/** What the app is asked to do with a snapshot; `text` is the new label for "label". */
export interface SnapshotTreeAction {
  type: "restore" | "delete" | "label";
  id: string;
  text?: string;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}

/** Refusal for a snapshot still being written, or null. */
function unfinished(node: SnapshotView, doing: string): Dialog<SnapshotTreeAction> | null {
  if (node.progress === null) return null;
  return Dialog.notice(`Cannot ${doing} yet`, [
    `${displayName(node)} is still being written (${Math.floor(node.progress * 100)}%).`,
  ]);
}

/** The restore confirmation (or refusal). */
export function restoreDialog(node: SnapshotView): Dialog<SnapshotTreeAction> {
  return unfinished(node, "restore") ?? Dialog.confirm(`Restore ${displayName(node)}?`, [
    "The machine goes back to this snapshot; its state since then is lost unless you take a snapshot first.",
  ], { type: "restore", id: node.id });
}

/** The delete confirmation: what it frees, and what happens to the snapshots below it. */
export function deleteDialog(model: SnapshotTreeModel, node: SnapshotView): Dialog<SnapshotTreeAction> {
  const refused = unfinished(node, "delete");
  if (refused) return refused;
  const below = descendantsOf(model, node.id);
  const children = below.filter((s) => s.parentId === node.id);
  // Own bytes only: the engine's delete may have to copy shared data into re-based children.
  const lines = [`Frees up to ${longBytes(node.bytes)}: its own file. Disk layers are kept.`];
  if (below.length === 0) lines.push("No snapshot depends on it.");
  else if (model.deleteKeepsChildren) {
    const one = children.length === 1;
    const where = node.parentId === null
      ? (one ? "it becomes a root" : "they become roots")
      : `${one ? "it is" : "they are"} re-based onto ${node.parentId}`;
    lines.push(
      `Its ${plural(children.length, "child keeps", "children keep")} working: ${where}, ` +
        "taking in the data shared with it, so less may be freed.",
    );
  } else {
    const more = below.reduce((sum, s) => sum + s.bytes, 0);
    lines.push(
      `${plural(below.length, "snapshot below it is", "snapshots below it are")} removed too ` +
        `(${longBytes(more)} more).`,
    );
  }
  if (node.id === model.currentId) lines.push("The running machine is not affected.");
  lines.push("This cannot be undone.");
  return Dialog.confirm(`Delete ${displayName(node)}?`, lines, { type: "delete", id: node.id });
}
