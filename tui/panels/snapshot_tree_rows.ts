/**
 * The snapshot tree as list rows. A snapshot with a single child continues straight down (a long
 * line of snapshots stays at one indentation); branches get "├─" / "└─" connectors.
 *
 * ```text
 * ○ boot
 * ○ installed
 * ├─○ tried driver A
 * │ ○ crashed
 * └─● tried driver B
 * ```
 */
import type { SnapshotTreeModel, SnapshotView } from "./snapshot_tree_model.ts";
import { columns, fit } from "./text_fit.ts";
import { shortBytes, shortTime } from "./units.ts";

/** One snapshot's row: the tree drawing before its marker. */
export interface SnapshotRow {
  readonly node: SnapshotView;
  readonly prefix: string;
}

/** The rows in drawing order: depth first, older branches first. */
export function snapshotRows(model: SnapshotTreeModel): SnapshotRow[] {
  const ids = new Set(model.snapshots.map((s) => s.id));
  const children = new Map<string | null, SnapshotView[]>();
  for (const s of model.snapshots) {
    // A parent missing from the index (deleted) makes its children roots.
    const parent = s.parentId !== null && ids.has(s.parentId) ? s.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(s);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.time.getTime() - b.time.getTime());
  const rows: SnapshotRow[] = [];
  // Iterative depth-first walk: a long line of snapshots must not exhaust the stack.
  const stack: { node: SnapshotView; prefix: string; cont: string }[] = [];
  const pushChildren = (of: string | null, cont: string) => {
    const kids = children.get(of) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) {
      if (kids.length === 1) stack.push({ node: kids[i], prefix: cont, cont });
      else {
        const last = i === kids.length - 1;
        stack.push({ node: kids[i], prefix: cont + (last ? "└─" : "├─"), cont: cont + (last ? "  " : "│ ") });
      }
    }
  };
  pushChildren(null, "");
  while (stack.length > 0) {
    const { node, prefix, cont } = stack.pop()!;
    rows.push({ node, prefix });
    pushChildren(node.id, cont);
  }
  return rows;
}

/** Every snapshot below `id` (children, their children, …). */
export function descendantsOf(model: SnapshotTreeModel, id: string): SnapshotView[] {
  const out: SnapshotView[] = [];
  const queue = [id];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const s of model.snapshots) {
      if (s.parentId === at) {
        out.push(s);
        queue.push(s.id);
      }
    }
  }
  return out;
}

const TIME_WIDTH = 11;
const SIZE_WIDTH = 6;

/** What a snapshot is called in the list: its label, or its id when it has none. */
export function displayName(node: SnapshotView): string {
  return node.label !== "" ? node.label : node.id;
}

/** The marker before a name: current, in progress, or plain. */
function marker(node: SnapshotView, currentId: string | null): string {
  if (node.progress !== null) return "◌";
  return node.id === currentId ? "●" : "○";
}

/** Columns left for the tree and the name in an inner width. */
export function nameColumns(width: number): number {
  return Math.max(8, width - TIME_WIDTH - SIZE_WIDTH - 4);
}

/** Where the name starts in a row's text (for the label editor): after " ", the tree, the marker. */
export function nameStart(row: SnapshotRow, width: number): number {
  return 1 + columns(treePrefix(row.prefix, nameColumns(width))) + 2;
}

/** The tree drawing, its left part dropped ("…") when it would take more than half the name column. */
function treePrefix(prefix: string, nameWidth: number): string {
  const room = Math.floor(nameWidth / 2);
  const chars = [...prefix];
  return chars.length <= room ? prefix : "…" + chars.slice(chars.length - room + 1).join("");
}

/** The column titles for an inner width. */
export function snapshotHeader(width: number): string {
  return fit(
    ` ${fit("snapshot", nameColumns(width))} ${fit("taken", TIME_WIDTH)} ${fit("size", SIZE_WIDTH, "right")}`,
    width,
  );
}

/** One snapshot's row text. */
export function snapshotLine(row: SnapshotRow, currentId: string | null, width: number): string {
  const nameWidth = nameColumns(width);
  const tree = treePrefix(row.prefix, nameWidth);
  const current = row.node.id === currentId ? " (current)" : "";
  const head = `${tree}${marker(row.node, currentId)} ${displayName(row.node)}${current}`;
  const size = row.node.progress !== null
    ? `${Math.floor(row.node.progress * 100)}%`
    : shortBytes(row.node.bytes);
  return fit(
    ` ${fit(head, nameWidth)} ${fit(shortTime(row.node.time), TIME_WIDTH)} ${fit(size, SIZE_WIDTH, "right")}`,
    width,
  );
}
