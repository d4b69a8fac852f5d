/**
 * The disk chain panel (Ctrl-] d): every drive's layer chain as a tree, the selected layer's details
 * and where its data lies, and commit / discard / new child on a drive's top, each confirmed first.
 *
 * @example
 * ```ts
 * const panel = new DiskChainPanel(buildDiskChainModel(drives, frozenBy));
 * const result = panel.key(event);
 * if (result.kind === "action") { perform(result.action); panel.update(buildDiskChainModel(drives, frozenBy)); }
 * panel.render(out, { cols: 80, rows: 24 });
 * ```
 */
import type { ByteSink } from "../render/byte_sink.ts";
import type { KeyEvent } from "../term/keys.ts";
import { PanelCanvas, Style } from "./canvas.ts";
import { Dialog } from "./dialog.ts";
import { actionDialog, type DiskChainAction } from "./disk_chain_actions.ts";
import { type DetailLine, detailLines, summaryLines } from "./disk_chain_details.ts";
import type { DiskChainModel, DiskLayerView } from "./disk_chain_model.ts";
import { chainHeader, type ChainRow, chainRows, driveLine, layerLine } from "./disk_chain_rows.ts";
import { drawFooter, type FooterKey } from "./footer.ts";
import { ListCursor } from "./list_cursor.ts";
import { CLOSE, type Panel, type PanelArea, type PanelResult, placeBox, STAY } from "./panel.ts";
import { letter, movement } from "./panel_keys.ts";

export type { DiskChainAction } from "./disk_chain_actions.ts";

/** Largest box: beyond this a wider terminal only adds margin. */
const MAX_WIDTH = 110;
const MAX_HEIGHT = 40;
/** Rows the frame, header, summary, dividers and footer take around the list. */
const LIST_CHROME_ROWS = 10;
/** allocationRun calls per render, shared by the layers on screen (keeps a frame cheap). */
const SCAN_BUDGET = 20_000;

const ACTION_KEYS: Readonly<Record<string, DiskChainAction["type"]>> = {
  c: "commit",
  d: "discard",
  n: "new-child",
};
const LIST_FOOTER: readonly FooterKey[] = [
  ["↑↓", "move"],
  ["Enter", "details"],
  ["c", "commit"],
  ["d", "discard"],
  ["n", "new child"],
  ["Esc", "close"],
];
const DETAIL_FOOTER: readonly FooterKey[] = [
  ["↑↓", "layer"],
  ["Esc", "back"],
  ["c", "commit"],
  ["d", "discard"],
  ["n", "new child"],
];

/** The disk chain panel; emits {@link DiskChainAction}s for the app to perform. */
export class DiskChainPanel implements Panel<DiskChainAction> {
  #model!: DiskChainModel;
  #rows: ChainRow[] = [];
  #cursor = new ListCursor();
  #details = false;
  #dialog: Dialog<DiskChainAction> | null = null;
  #busy = false;
  #listRows = 1;

  constructor(model: DiskChainModel) {
    this.update(model);
  }

  /** True while an allocation scan on screen is unfinished: render again soon. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Whether the full detail page is showing (Enter opens it, Esc goes back). */
  get showingDetails(): boolean {
    return this.#details;
  }

  /** The selected layer, or null when no drive has a disk. */
  get selectedLayer(): { drive: string; layer: DiskLayerView } | null {
    const row = this.#rows[this.#cursor.selected];
    return row?.kind === "layer" ? { drive: row.drive.name, layer: row.layer } : null;
  }

  /** Takes a new model (after an action, or when chains changed); keeps the selection where it can. */
  update(model: DiskChainModel): void {
    const before = this.selectedLayer;
    this.#model = model;
    this.#rows = chainRows(model);
    let prefer = 0;
    if (before) {
      const sameDrive = this.#rows.filter((r) => r.kind === "layer" && r.drive.name === before.drive);
      const same = sameDrive.find((r) => r.kind === "layer" && r.layer.index === before.layer.index) ??
        sameDrive[sameDrive.length - 1];
      if (same) prefer = this.#rows.indexOf(same);
    } else {
      // Open on the first drive's top: that is where writes go.
      const firstDrive = model.drives.find((d) => d.layers.length > 0);
      const top = firstDrive?.layers[firstDrive.layers.length - 1];
      const row = this.#rows.findIndex((r) => r.kind === "layer" && r.layer === top);
      prefer = Math.max(0, row);
    }
    this.#cursor.reset(this.#rows.map((r) => r.kind === "layer"), prefer);
    if (this.#cursor.selected < 0) this.#details = false;
  }

  /** Shows a message over the panel until a key is pressed (e.g. why the app's action failed). */
  notify(title: string, lines: readonly string[]): void {
    this.#dialog = Dialog.notice<DiskChainAction>(title, lines);
  }

  key(event: KeyEvent): PanelResult<DiskChainAction> {
    if (!event.pressed) return STAY;
    if (this.#dialog) {
      const answer = this.#dialog.key(event);
      if (answer === "open") return STAY;
      const action = this.#dialog.action;
      this.#dialog = null;
      return answer === "yes" && action ? { kind: "action", action } : STAY;
    }
    const move = movement(event, this.#listRows - 1);
    if (move !== null) {
      if (move === "home" || move === "end") this.#cursor.jump(move === "home" ? -1 : 1);
      else this.#cursor.move(move);
      return STAY;
    }
    if (event.key === "Escape" || (event.key === "Backspace" && this.#details)) {
      if (!this.#details) return CLOSE;
      this.#details = false;
      return STAY;
    }
    if (event.key === "Enter" || event.key === "KPEnter") {
      this.#details = !this.#details && this.#cursor.selected >= 0;
      return STAY;
    }
    const l = letter(event);
    if (l === "q" && !this.#details) return CLOSE;
    const type = l === null ? undefined : ACTION_KEYS[l];
    const row = this.#rows[this.#cursor.selected];
    if (type && row) this.#dialog = actionDialog(type, row.drive);
    return STAY;
  }

  render(out: ByteSink, area: PanelArea): void {
    const place = placeBox(area, MAX_WIDTH, MAX_HEIGHT);
    if (place.width < 20 || place.height < 8) return;
    const canvas = new PanelCanvas(place.width, place.height);
    canvas.fill(Style.Body);
    canvas.frame(Style.Border, "Disk chains");
    this.#scan(place.height);
    if (this.#details) this.#drawDetails(canvas);
    else this.#drawList(canvas);
    this.#dialog?.draw(canvas);
    canvas.flush(out, place.row, place.col);
  }

  #drawList(canvas: PanelCanvas): void {
    const inner = canvas.width - 2, h = canvas.height;
    canvas.text(1, 1, chainHeader(inner), Style.Header);
    const visible = Math.max(1, h - LIST_CHROME_ROWS);
    this.#listRows = visible;
    const top = this.#cursor.scrollFor(visible);
    for (let i = 0; i < visible && top + i < this.#rows.length; i++) {
      const row = this.#rows[top + i];
      const y = 2 + i;
      if (row.kind === "drive") canvas.text(y, 1, driveLine(row.drive, inner), Style.Header);
      else {
        const selected = top + i === this.#cursor.selected;
        canvas.text(y, 1, layerLine(row.drive, row.layer, inner), selected ? Style.Selected : Style.Body);
      }
    }
    const listEnd = 2 + visible;
    canvas.divider(listEnd, Style.Border);
    if (top > 0) canvas.text(0, canvas.width - 14, ` ↑ ${top} more `, Style.Border);
    const below = this.#rows.length - top - visible;
    if (below > 0) canvas.text(listEnd, canvas.width - 14, ` ↓ ${below} more `, Style.Border);
    const selected = this.#rows[this.#cursor.selected];
    if (selected?.kind === "layer") {
      const lines = summaryLines(selected.drive, selected.layer, inner - 2);
      lines.forEach((line, i) => this.#drawDetail(canvas, listEnd + 1 + i, line));
    } else {
      canvas.text(listEnd + 1, 2, "No disk is attached.", Style.Dim);
    }
    canvas.divider(h - 3, Style.Border);
    drawFooter(canvas, h - 2, 2, inner - 2, LIST_FOOTER);
  }

  #drawDetails(canvas: PanelCanvas): void {
    const inner = canvas.width - 2, h = canvas.height;
    const selected = this.#rows[this.#cursor.selected];
    if (selected?.kind === "layer") {
      const lines = detailLines(selected.drive, selected.layer, inner - 2);
      lines.slice(0, h - 4).forEach((line, i) => this.#drawDetail(canvas, 1 + i, line));
    }
    canvas.divider(h - 3, Style.Border);
    drawFooter(canvas, h - 2, 2, inner - 2, DETAIL_FOOTER);
  }

  #drawDetail(canvas: PanelCanvas, row: number, line: DetailLine): void {
    if (!line.bar) {
      canvas.text(row, 2, line.text, Style.Body);
      return;
    }
    // The bar itself in the border colour, so data stands out from its frame.
    const open = line.text.indexOf("|");
    canvas.text(row, 2, line.text.slice(0, open + 1), Style.Body);
    canvas.text(row, 3 + open, line.text.slice(open + 1), Style.Border);
  }

  /** Advances the scans of the layers in view, the selected one first, within the render budget. */
  #scan(height: number): void {
    const visible = this.#details ? 1 : Math.max(1, height - LIST_CHROME_ROWS);
    const top = this.#details ? this.#cursor.selected : this.#cursor.scrollFor(visible);
    const order: DiskLayerView[] = [];
    const selected = this.#rows[this.#cursor.selected];
    if (selected?.kind === "layer") order.push(selected.layer);
    for (let i = Math.max(0, top); i < top + visible && i < this.#rows.length; i++) {
      const row = this.#rows[i];
      if (row.kind === "layer" && row.layer !== order[0]) order.push(row.layer);
    }
    let budget = SCAN_BUDGET;
    for (const layer of order) {
      if (budget > 0) budget = layer.allocation.advance(budget);
    }
    this.#busy = order.some((layer) => !layer.allocation.done);
  }
}
