import type { IndexEntry } from "../../core/snapshot/snapshot_index.ts";
import { frozenLayers } from "../../tui/panels/disk_chain_model.ts";
import { SnapshotTreePanel } from "../../tui/panels/snapshot_tree_panel.ts";
import {
  type SnapshotTreeModel,
  snapshotTreeModel,
  type SnapshotView,
} from "../../tui/panels/snapshot_tree_model.ts";
import { shortTime } from "../../tui/panels/units.ts";
import {
  assert,
  assertEquals,
  assertIncludes,
  bgAt,
  press,
  pressAll,
  rowOf,
  screenLines,
  show,
} from "./panel_helpers.ts";

const SELECTED_BG = 6;
const BODY_BG = 4;
const MiB = 1024 * 1024;

function snap(
  id: string,
  parentId: string | null,
  minute: number,
  label = "",
  bytes = 2 * MiB,
): SnapshotView {
  return { id, parentId, time: new Date(2026, 10, 26, 12, minute), label, bytes, progress: null, disks: [] };
}

/** boot → installed → {driver-a → crashed, driver-b (current)}, plus one being written under driver-b. */
function branchingModel(deleteKeepsChildren = true): SnapshotTreeModel {
  return {
    snapshots: [
      snap("s1", null, 0, "boot"),
      snap("s2", "s1", 5, "installed", 3 * MiB),
      snap("s3", "s2", 10, "driver A"),
      snap("s4", "s3", 12, "crashed"),
      snap("s5", "s2", 20, "driver B"),
      { ...snap("s6", "s5", 30, "nightly"), progress: 0.42, bytes: MiB },
    ],
    currentId: "s5",
    deleteKeepsChildren,
  };
}

Deno.test("snapshot tree panel: draws the tree with times, sizes, the current and the in-progress one", async () => {
  const term = await show(new SnapshotTreePanel(branchingModel()));
  const lines = screenLines(term);
  assertIncludes(lines[0], "Snapshots (6)");
  assertIncludes(lines[1], "snapshot");
  assertIncludes(lines[1], "taken");
  assertIncludes(lines[1], "size");
  const row = (text: string) => lines[rowOf(term, text)];
  assert(/│ ○ boot +11-26 12:00 +2M │/.test(row("boot")), row("boot"));
  assert(/│ ○ installed +11-26 12:05 +3M │/.test(row("installed")), row("installed"));
  assertIncludes(row("driver A"), "│ ├─○ driver A");
  assertIncludes(row("crashed"), "│ │ ○ crashed");
  assertIncludes(row("driver B"), "│ └─● driver B (current)");
  assert(/ {3}◌ nightly +11-26 12:30 +42% │/.test(row("nightly")), row("nightly"));
  assertEquals(rowOf(term, "driver A") < rowOf(term, "driver B"), true); // older branch first
  // The current snapshot is selected on opening, with its details below the list.
  assertEquals(bgAt(term, rowOf(term, "driver B"), 5), SELECTED_BG);
  assertEquals(bgAt(term, rowOf(term, "boot"), 5), BODY_BG);
  assertIncludes(lines[rowOf(term, "id s5")], `id s5, parent s2, label "driver B"`);
  assertIncludes(lines[rowOf(term, "taken 2026")], "size 2.0 MiB");
  for (const k of ["↑↓ move", "Enter/r restore", "d delete", "l label", "Esc close"]) {
    assertIncludes(lines[22], k);
  }
  assertIncludes(lines[23], "└──");
});

Deno.test("snapshot tree panel: navigation moves the highlight; Esc closes", async () => {
  const panel = new SnapshotTreePanel(branchingModel());
  pressAll(panel, ["Up", "k"]);
  assertEquals(panel.selected?.id, "s3");
  pressAll(panel, ["j", "Down", "Down", "Down"]); // stops at the last row
  assertEquals(panel.selected?.id, "s6");
  pressAll(panel, ["Home"]);
  assertEquals(panel.selected?.id, "s1");
  const term = await show(panel);
  assertEquals(bgAt(term, rowOf(term, "boot"), 5), SELECTED_BG);
  assertEquals(bgAt(term, rowOf(term, "driver B"), 5), BODY_BG);
  assertEquals(panel.key(press("Escape")).kind, "close");
});

Deno.test("snapshot tree panel: restore is confirmed first and refused while a snapshot is being written", async () => {
  const panel = new SnapshotTreePanel(branchingModel());
  pressAll(panel, ["Up"]); // crashed
  assertEquals(panel.key(press("Enter")).kind, "stay");
  let text = screenLines(await show(panel)).join("\n");
  assertIncludes(text, "Restore crashed?");
  assertIncludes(text, "y = yes");
  assertEquals(pressAll(panel, ["Enter", "r", "n"]).map((r) => r.kind), ["stay", "stay", "stay"]);
  assertEquals(rowOf(await show(panel), "Restore crashed?"), -1);
  pressAll(panel, ["r"]);
  assertEquals(panel.key(press("y")), { kind: "action", action: { type: "restore", id: "s4" } });

  pressAll(panel, ["End", "r"]); // the one being written
  text = screenLines(await show(panel)).join("\n");
  assertIncludes(text, "Cannot restore yet");
  assertIncludes(text, "still being written (42%)");
  assertEquals(panel.key(press("y")).kind, "stay");
});

/** The text inside the dialog box, its wrapped lines joined back into prose. */
function dialogProse(screen: string): string {
  return screen.split("\n")
    .map((line) => line.match(/│ *│ (.*?) *│ *│$/)?.[1] ?? "")
    .filter((part) => part !== "")
    .join(" ");
}

Deno.test("snapshot tree panel: delete says what it frees and what happens to the children", async () => {
  let panel = new SnapshotTreePanel(branchingModel(true));
  pressAll(panel, ["Home", "Down", "d"]); // installed: 3 MiB, two children
  let text = screenLines(await show(panel)).join("\n");
  assertIncludes(text, "Delete installed?");
  const prose = dialogProse(text);
  assertIncludes(prose, "Frees up to 3.0 MiB (3145728 bytes): its own file. Disk layers are kept.");
  assertIncludes(prose, "Its 2 children keep working: they are re-based onto s1, taking in the data shared");
  assertEquals(panel.key(press("x")).kind, "stay");
  assertEquals(panel.key(press("Escape")).kind, "stay");
  assertEquals(rowOf(await show(panel), "Delete installed?"), -1);

  panel = new SnapshotTreePanel(branchingModel(false));
  pressAll(panel, ["Home", "Down", "d"]);
  text = screenLines(await show(panel)).join("\n");
  assertIncludes(dialogProse(text), "4 snapshots below it are removed too");
  assertEquals(panel.key(press("y")), { kind: "action", action: { type: "delete", id: "s2" } });

  pressAll(panel, ["Down", "Down", "d"]); // crashed: a leaf
  text = screenLines(await show(panel)).join("\n");
  assertIncludes(text, "No snapshot depends on it.");
});

Deno.test("snapshot tree panel: the label editor types, deletes, saves with Enter and cancels with Esc", async () => {
  const panel = new SnapshotTreePanel(branchingModel());
  pressAll(panel, ["l"]);
  assert(panel.editing);
  pressAll(panel, ["Backspace", "Backspace", " ", "x", "y", "z", "Backspace", "!"]);
  const term = await show(panel);
  const row = rowOf(term, "driver xy!");
  assert(row >= 2, screenLines(term).join("\n"));
  assertIncludes(screenLines(term)[22], "Enter save");
  assertIncludes(screenLines(term)[22], "Esc cancel");
  // The field is drawn in the input colours, with a block cursor after the text.
  const col = screenLines(term)[row].indexOf("driver xy!");
  assertEquals(bgAt(term, row, col), 7);
  assertEquals(bgAt(term, row, col + 10), 0);
  // "y" and "d" are text here, not actions.
  assertEquals(panel.key(press("Enter")), {
    kind: "action",
    action: { type: "label", id: "s5", text: "driver xy!" },
  });
  assert(!panel.editing);

  pressAll(panel, ["l", "q"]);
  assertEquals(panel.key(press("Escape")).kind, "stay"); // cancels the edit, does not close
  assert(!panel.editing);
  const after = await show(panel);
  assertIncludes(screenLines(after)[rowOf(after, "driver B")], "driver B (current)");
});

Deno.test("snapshot tree panel: a long line of snapshots stays at one indentation and scrolls", async () => {
  const snapshots = Array.from(
    { length: 40 },
    (_, i) => snap(`s${i}`, i === 0 ? null : `s${i - 1}`, i, `step ${i}`),
  );
  const panel = new SnapshotTreePanel({ snapshots, currentId: "s39", deleteKeepsChildren: true });
  let term = await show(panel);
  let lines = screenLines(term);
  assertEquals(bgAt(term, rowOf(term, "step 39"), 5), SELECTED_BG);
  assertIncludes(lines[0], "↑ 25 more");
  assertIncludes(lines[rowOf(term, "step 39")], "│ ● step 39 (current)");
  assertIncludes(lines[rowOf(term, "step 30")], "│ ○ step 30 ");
  pressAll(panel, ["PageUp", "PageUp", "PageUp"]);
  term = await show(panel);
  lines = screenLines(term);
  assertEquals(panel.selected?.id, "s0");
  assertEquals(rowOf(term, "step 0 "), 2);
  assert(lines.some((line) => line.includes("↓ 25 more")));
  assertIncludes(lines[23], "└");
});

Deno.test("snapshot tree panel: update() keeps the selection and shows the new label", async () => {
  const panel = new SnapshotTreePanel(branchingModel());
  pressAll(panel, ["Up"]);
  const model = branchingModel();
  const renamed: SnapshotTreeModel = {
    ...model,
    snapshots: model.snapshots.map((s) => s.id === "s4" ? { ...s, label: "fixed" } : s),
  };
  panel.update(renamed);
  assertEquals(panel.selected?.id, "s4");
  const term = await show(panel);
  assertEquals(bgAt(term, rowOf(term, "fixed"), 5), SELECTED_BG);
});

Deno.test("snapshot tree model: built from index entries plus a snapshot in progress", async () => {
  const entry = (id: string, parentId: string | null, label: string): IndexEntry => ({
    id,
    parentId,
    baseId: parentId,
    diffDepth: parentId === null ? 0 : 1,
    createdAt: new Date(2026, 10, 26, 9, 15).toISOString(),
    label,
    identity: { cpuModel: "8086", memories: [], devices: [] },
    disks: [{
      drive: "c",
      frozenPath: `/vm/c-${id}.qcow2`,
      format: "qcow2",
      identity: { size: 0, mtimeMs: 0, headerCrc: "0" },
      layers: ["/vm/base.img", `/vm/c-${id}.qcow2`],
    }],
    file: `${id}.t86snap`,
    fileBytes: 5 * MiB,
    memoryBytes: 640 * 1024,
  });
  const model = snapshotTreeModel([entry("a", null, "first"), entry("b", "a", "")], {
    currentId: "b",
    inProgress: {
      id: "c",
      parentId: "b",
      time: new Date(2026, 10, 26, 9, 20),
      pagesDone: 1,
      pagesTotal: 4,
      bytesWritten: 1024,
    },
  });
  assertEquals(model.deleteKeepsChildren, true);
  assertEquals(model.snapshots.map((s) => [s.id, s.progress]), [["a", null], ["b", null], ["c", 0.25]]);
  const panel = new SnapshotTreePanel(model);
  const term = await show(panel);
  const lines = screenLines(term);
  assertIncludes(lines[rowOf(term, "first")], shortTime(new Date(2026, 10, 26, 9, 15)));
  assertIncludes(lines[rowOf(term, "● b")], "● b (current)"); // no label: the id is shown
  assertIncludes(lines[rowOf(term, "◌ c")], "25%");
  assertIncludes(lines[rowOf(term, "disks:")], "c: /vm/c-b.qcow2");
  // The disk panel's "frozen by" column comes from the same entries.
  assertEquals(
    [...frozenLayers([entry("a", null, "first"), entry("b", "a", "")])],
    [["/vm/c-a.qcow2", "first"], ["/vm/c-b.qcow2", "b"]],
  );
});
