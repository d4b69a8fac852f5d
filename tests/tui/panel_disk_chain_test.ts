import { join } from "node:path";
import { createImage, openDisk } from "../../disks/open.ts";
import type { DiskChain } from "../../disks/chain.ts";
import { AllocationScan } from "../../tui/panels/allocation_scan.ts";
import {
  buildDiskChainModel,
  type DiskChainModel,
  type DiskLayerView,
} from "../../tui/panels/disk_chain_model.ts";
import { DiskChainPanel } from "../../tui/panels/disk_chain_panel.ts";
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

/** The cyan background of the selection bar (ANSI 6). */
const SELECTED_BG = 6;
const BODY_BG = 4;
const MiB = 1024 * 1024;

interface Fixture {
  dir: string;
  c: DiskChain;
  d: DiskChain;
  close(): void;
}

/** C: raw base → qcow2 → qcow2 top (with data written); D: dynamic VHD → VHD differencing top. */
function makeDisks(dirName = "imgs"): Fixture {
  const root = Deno.makeTempDirSync({ prefix: "tty86-panel-" });
  const dir = join(root, dirName);
  Deno.mkdirSync(dir);
  createImage(join(dir, "base.img"), { size: 2 * MiB });
  createImage(join(dir, "c-1.qcow2"), { parent: join(dir, "base.img") });
  createImage(join(dir, "c-2.qcow2"), { parent: join(dir, "c-1.qcow2") });
  createImage(join(dir, "d.vhd"), { size: 2 * MiB });
  createImage(join(dir, "d-1.vhd"), { parent: join(dir, "d.vhd") });
  const c = openDisk(join(dir, "c-2.qcow2"));
  c.write(0, 4, new Uint8Array(4 * 512).fill(0x55));
  const d = openDisk(join(dir, "d-1.vhd"));
  return {
    dir,
    c,
    d,
    close() {
      c.close();
      d.close();
      Deno.removeSync(root, { recursive: true });
    },
  };
}

function fixtureModel(f: Fixture, frozen: [string, string][] = []): DiskChainModel {
  return buildDiskChainModel(
    [{ name: "A:", chain: null }, { name: "C:", chain: f.c }, { name: "D:", chain: f.d }],
    new Map(frozen.map(([file, snap]) => [join(f.dir, file), snap])),
  );
}

Deno.test("disk chain panel: a model built from real chains shows each drive's tree", async () => {
  const f = makeDisks();
  try {
    const model = fixtureModel(f, [["c-1.qcow2", "snap-1"]]);
    assertEquals(model.drives.map((d) => d.layers.length), [0, 3, 2]);
    assertEquals(model.drives[1].layers.map((l) => l.format), ["raw", "qcow2", "qcow2"]);
    assertEquals(model.drives[2].layers.map((l) => l.format), ["vhd", "vhd"]);
    assertEquals(model.drives[1].layers[1].frozenBy, "snap-1");
    assert(model.drives[1].layers[0].created instanceof Date);

    const term = await show(new DiskChainPanel(model));
    const lines = screenLines(term);
    assertIncludes(lines[0], "Disk chains");
    assertIncludes(lines[1], "layer file");
    assertIncludes(lines[1], "frozen by");
    assertIncludes(lines[rowOf(term, "A:")], "no disk");
    assertIncludes(lines[rowOf(term, "C:")], "3 layers, 2M disk");
    const base = lines[rowOf(term, "base.img")];
    assert(/ 0 base\.img +raw +2M +100% /.test(base), base);
    const child = lines[rowOf(term, "c-1.qcow2")];
    assert(/ 1 └─c-1\.qcow2 +qcow2 .* 0% .*snap-1/.test(child), child);
    const top = lines[rowOf(term, "c-2.qcow2")];
    assert(/ 2 {3}└─c-2\.qcow2 +qcow2 .*\(top\)/.test(top), top);
    assertIncludes(lines[rowOf(term, "d-1.vhd")], "└─d-1.vhd");
    // The first drive's top is selected on opening.
    const topRow = rowOf(term, "c-2.qcow2");
    assertEquals(bgAt(term, topRow, 10), SELECTED_BG);
    assertEquals(bgAt(term, rowOf(term, "c-1.qcow2"), 10), BODY_BG);
    // The summary: the whole path shortened to fit, sizes, allocation and the map bar.
    assertIncludes(lines[rowOf(term, "│ file ")], "c-2.qcow2");
    assertIncludes(lines[rowOf(term, "allocated:")], "in 1 extent; top, writable");
    assert(/map \|█+[▓▒░]?·+\|/.test(lines[rowOf(term, "map |")]), lines[rowOf(term, "map |")]);
    const footer = lines[22];
    for (const k of ["↑↓ move", "Enter details", "c commit", "d discard", "n new child", "Esc close"]) {
      assertIncludes(footer, k);
    }
    assertIncludes(lines[23], "└──");
  } finally {
    f.close();
  }
});

Deno.test("disk chain panel: arrows and j/k move between layers, skipping drive headings", async () => {
  const f = makeDisks();
  try {
    const panel = new DiskChainPanel(fixtureModel(f));
    assertEquals(panel.selectedLayer?.layer.path, join(f.dir, "c-2.qcow2"));
    pressAll(panel, ["Down"]);
    assertEquals(panel.selectedLayer?.layer.path, join(f.dir, "d.vhd")); // over the "D:" heading
    pressAll(panel, ["k", "k"]);
    assertEquals(panel.selectedLayer?.layer.path, join(f.dir, "c-1.qcow2"));
    pressAll(panel, ["Up", "Up", "Up"]); // stops at the first layer
    assertEquals(panel.selectedLayer?.layer.path, join(f.dir, "base.img"));
    pressAll(panel, ["j"]);
    const term = await show(panel);
    assertEquals(bgAt(term, rowOf(term, "c-1.qcow2"), 20), SELECTED_BG);
    assertEquals(bgAt(term, rowOf(term, "base.img"), 20), BODY_BG);
    assertEquals(panel.key({ key: "Down", pressed: false, mods: 0 }).kind, "stay"); // releases do nothing
    assertEquals(panel.selectedLayer?.layer.path, join(f.dir, "c-1.qcow2"));
  } finally {
    f.close();
  }
});

Deno.test("disk chain panel: Enter opens the layer's details, Esc goes back, Esc again closes", async () => {
  const f = makeDisks();
  try {
    const panel = new DiskChainPanel(fixtureModel(f, [["c-1.qcow2", "snap-1"]]));
    pressAll(panel, ["Up"]);
    assertEquals(panel.key(press("Enter")).kind, "stay");
    assert(panel.showingDetails);
    const term = await show(panel);
    const lines = screenLines(term);
    assertIncludes(lines[1], "drive C:, layer 1 of 2 (intermediate)");
    assertIncludes(lines[rowOf(term, "snapshot:")], "frozen by snapshot snap-1");
    assertIncludes(lines[rowOf(term, "parent:")], "base.img");
    assertIncludes(lines[rowOf(term, "child:")], "c-2.qcow2");
    assertIncludes(lines[22], "Esc back");
    assertEquals(panel.key(press("Escape")).kind, "stay");
    assert(!panel.showingDetails);
    assertEquals(panel.key(press("Escape")).kind, "close");
  } finally {
    f.close();
  }
});

Deno.test("disk chain panel: discard asks first and does nothing without y", async () => {
  const f = makeDisks();
  try {
    const panel = new DiskChainPanel(fixtureModel(f));
    assertEquals(panel.key(press("d")).kind, "stay");
    const term = await show(panel);
    assert(rowOf(term, "Discard C: top layer?") >= 0);
    assertIncludes(screenLines(term).join("\n"), "y = yes");
    // Other keys leave the question open; n and Esc dismiss it.
    assertEquals(pressAll(panel, ["x", "Enter", "Down"]).map((r) => r.kind), ["stay", "stay", "stay"]);
    assert(rowOf(await show(panel), "Discard C: top layer?") >= 0);
    assertEquals(panel.key(press("n")).kind, "stay");
    assertEquals(rowOf(await show(panel), "Discard C: top layer?"), -1);
    pressAll(panel, ["d"]);
    assertEquals(panel.key(press("Escape")).kind, "stay");
    assertEquals(rowOf(await show(panel), "Discard"), -1);
    pressAll(panel, ["d"]);
    assertEquals(panel.key(press("y")), {
      kind: "action",
      action: { type: "discard", drive: "C:", layerIndex: 2 },
    });
  } finally {
    f.close();
  }
});

Deno.test("disk chain panel: commit is refused with the reason when a snapshot depends on the parent", async () => {
  const f = makeDisks();
  try {
    const panel = new DiskChainPanel(fixtureModel(f, [["c-1.qcow2", "snap-1"]]));
    pressAll(panel, ["c"]);
    const text = screenLines(await show(panel)).join("\n");
    assertIncludes(text, "Cannot commit");
    assertIncludes(text, "Snapshot snap-1 depends on c-1.qcow2");
    assertEquals(panel.key(press("y")).kind, "stay"); // a notice only closes
    assertEquals(rowOf(await show(panel), "Cannot commit"), -1);

    // D: has no snapshot on its parent: commit is offered, then confirmed.
    pressAll(panel, ["Down", "Down", "c"]);
    assertIncludes(screenLines(await show(panel)).join("\n"), "Commit D: top layer?");
    assertEquals(panel.key(press("Y", 1)), {
      kind: "action",
      action: { type: "commit", drive: "D:", layerIndex: 1 },
    });
  } finally {
    f.close();
  }
});

Deno.test("disk chain panel: new child, then update() with the grown chain selects the new top", async () => {
  const f = makeDisks();
  try {
    const panel = new DiskChainPanel(fixtureModel(f));
    pressAll(panel, ["n"]);
    assertIncludes(screenLines(await show(panel)).join("\n"), "Start a new child on C:?");
    const result = panel.key(press("y"));
    assertEquals(result, { kind: "action", action: { type: "new-child", drive: "C:", layerIndex: 2 } });
    // When the app's action fails, it says why over the panel; any key dismisses it.
    panel.notify("New child failed", ["disk full"]);
    assertIncludes(screenLines(await show(panel)).join("\n"), "disk full");
    assertEquals(panel.key(press("y")).kind, "stay");
    assertEquals(rowOf(await show(panel), "disk full"), -1);
    f.c.pushChild(join(f.dir, "c-3.qcow2"), "qcow2"); // what the app does
    panel.update(fixtureModel(f));
    assertEquals(panel.selectedLayer?.layer.index, 2); // the same layer stays selected
    pressAll(panel, ["Down"]);
    assertEquals(panel.selectedLayer?.layer.path, join(f.dir, "c-3.qcow2"));
    const term = await show(panel);
    assertIncludes(screenLines(term)[rowOf(term, "c-2.qcow2")], "-"); // no longer "(top)"
    assertIncludes(screenLines(term)[rowOf(term, "c-3.qcow2")], "(top)");
  } finally {
    f.close();
  }
});

Deno.test("disk chain panel: a lone base cannot be committed or discarded", async () => {
  const root = Deno.makeTempDirSync({ prefix: "tty86-panel-" });
  createImage(join(root, "a.img"), { size: MiB });
  const chain = openDisk(join(root, "a.img"));
  try {
    const panel = new DiskChainPanel(buildDiskChainModel([{ name: "A:", chain }], new Map()));
    pressAll(panel, ["c"]);
    assertIncludes(screenLines(await show(panel)).join("\n"), "it has no parent to commit into");
    assertEquals(panel.key(press("y")).kind, "stay");
    pressAll(panel, ["d"]);
    assertIncludes(screenLines(await show(panel)).join("\n"), "nothing to roll back to");
    assertEquals(panel.key(press("y")).kind, "stay");
  } finally {
    chain.close();
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("disk chain panel: long paths are shortened to fit, keeping the file name", async () => {
  const f = makeDisks("a-directory-with-a-very-long-name-that-cannot-fit-in-eighty-columns-of-terminal");
  try {
    const term = await show(new DiskChainPanel(fixtureModel(f)));
    const lines = screenLines(term);
    const file = lines[rowOf(term, "│ file ")];
    assertIncludes(file, "…");
    assertIncludes(file, "/c-2.qcow2");
    assert(file.startsWith("│ file /tmp"), file);
    assert(lines.every((line) => [...line].length <= 80));
    assertEquals(file.at(-1), "│"); // the frame is intact
  } finally {
    f.close();
  }
});

/** A fake layer of `sectors` sectors allocated in its first `allocated` sectors. */
function fakeLayer(index: number, depth: number, allocated = 64, sectors = 4096): DiskLayerView {
  return {
    index,
    path: `/vm/chain/layer-${String(index).padStart(2, "0")}.qcow2`,
    format: index === 0 ? "raw" : "qcow2",
    virtualBytes: sectors * 512,
    hostBytes: allocated * 512,
    created: new Date(2026, 0, 2, 3, 4, 5),
    frozenBy: index < depth - 1 ? `snap-${index}` : null,
    readOnly: index < depth - 1,
    inMemory: false,
    allocation: new AllocationScan({
      sectorCount: sectors,
      allocationRun: (lba, max) => lba < allocated ? Math.min(max, allocated - lba) : -max,
    }),
  };
}

Deno.test("disk chain panel: a 40-layer chain scrolls within the box", async () => {
  const layers = Array.from({ length: 40 }, (_, i) => fakeLayer(i, 40));
  const panel = new DiskChainPanel({ drives: [{ name: "C:", layers }] });
  let term = await show(panel);
  let lines = screenLines(term);
  assertEquals(lines.length, 24);
  assertIncludes(lines[23], "└");
  // Opens on the top; the list shows its end and says how much is above.
  assertEquals(bgAt(term, rowOf(term, "layer-39.qcow2"), 10), SELECTED_BG);
  assertIncludes(lines[0], "↑ 27 more");
  // Deep layers stay indented by at most four steps.
  assertIncludes(lines[rowOf(term, "layer-39")], "       └─layer-39.qcow2");

  panel.key(press("Home"));
  term = await show(panel);
  lines = screenLines(term);
  assertEquals(rowOf(term, "C: 40 layers"), 2);
  assertEquals(bgAt(term, rowOf(term, "layer-00.qcow2"), 10), SELECTED_BG);
  assert(lines.some((line) => line.includes("↓ 27 more")));
  assertEquals(rowOf(term, "layer-39"), -1);

  pressAll(panel, Array.from({ length: 20 }, () => "Down"));
  term = await show(panel);
  const row = rowOf(term, "layer-20.qcow2");
  assert(row >= 2 && row < 16, `row ${row}`);
  assertEquals(bgAt(term, row, 10), SELECTED_BG);
  assertEquals(panel.selectedLayer?.layer.index, 20);
  assertIncludes(screenLines(term).join("\n"), "frozen by snapshot snap-20");
});

Deno.test("disk chain panel: allocation scans are bounded per render and finish over several", async () => {
  let calls = 0;
  const sectors = 1_000_000;
  // Every other sector allocated: the worst case, one allocationRun call per sector.
  const scan = new AllocationScan({
    sectorCount: sectors,
    allocationRun: (lba) => {
      calls++;
      return lba % 2 === 0 ? 1 : -1;
    },
  });
  const layer: DiskLayerView = { ...fakeLayer(0, 1), virtualBytes: sectors * 512, allocation: scan };
  const panel = new DiskChainPanel({ drives: [{ name: "C:", layers: [layer] }] });
  const term = await show(panel);
  assert(calls > 0 && calls <= 20_000, `calls ${calls}`);
  assert(panel.busy);
  assertIncludes(screenLines(term)[rowOf(term, "layer-00")], "…");
  assertIncludes(screenLines(term).join("\n"), "scanning…");
  while (panel.busy) await show(panel);
  assertEquals(calls, sectors);
  assertEquals(scan.extents, sectors / 2);
  assertEquals(scan.share, 0.5);
  const done = await show(panel);
  assertIncludes(screenLines(done)[rowOf(done, "layer-00")], "50%");
});

Deno.test("allocation scan: extents, share and a bar of where the data lies", () => {
  const scan = new AllocationScan({
    sectorCount: 1000,
    // Allocated: 0..99 and 900..999.
    allocationRun: (lba, max) => lba < 100 ? 100 - lba : lba < 900 ? -(900 - lba) : max,
  });
  assertEquals(scan.advance(1), 0);
  assert(!scan.done);
  scan.advance(100);
  assert(scan.done);
  assertEquals(scan.extents, 2);
  assertEquals(scan.allocatedBytes, 200 * 512);
  assertEquals(scan.share, 0.2);
  assertEquals(scan.bar(10), "█········█");
});

Deno.test("disk chain panel: on a larger terminal the box is centred and shows more", async () => {
  const f = makeDisks();
  try {
    const term = await show(new DiskChainPanel(fixtureModel(f)), 130, 44);
    const lines = screenLines(term);
    const top = lines.findIndex((l) => l.includes("Disk chains"));
    assertEquals(top, 2);
    assertEquals(lines[top].indexOf("┌"), 10);
    assertEquals(lines[top].lastIndexOf("┐"), 119);
    assertIncludes(lines[top + 1], "created");
  } finally {
    f.close();
  }
});
