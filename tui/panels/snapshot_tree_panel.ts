/**
 * The snapshot tree panel (Ctrl-] t): the snapshots as a tree with times and sizes, the current one
 * marked and one being written with its progress; restore and delete (confirmed first) and an inline
 * label editor.
 *
 * @example
 * ```ts
 * const panel = new SnapshotTreePanel(snapshotTreeModel(index.snapshots, { currentId }));
 * const result = panel.key(event);
 * if (result.kind === "action") { await perform(result.action); panel.update(newModel); }
 * ```
 */
import type { ByteSink } from "../render/byte_sink.ts";
import type { KeyEvent } from "../term/keys.ts";
import { PanelCanvas, Style } from "./canvas.ts";
import { Dialog } from "./dialog.ts";
import { drawFooter, type FooterKey } from "./footer.ts";
import { ListCursor } from "./list_cursor.ts";
import { CLOSE, type Panel, type PanelArea, type PanelResult, placeBox, STAY } from "./panel.ts";
import { letter, movement } from "./panel_keys.ts";
import { deleteDialog, restoreDialog, type SnapshotTreeAction } from "./snapshot_tree_actions.ts";
import type { SnapshotTreeModel, SnapshotView } from "./snapshot_tree_model.ts";
import {
  nameColumns,
  nameStart,
  snapshotHeader,
  snapshotLine,
  type SnapshotRow,
  snapshotRows,
} from "./snapshot_tree_rows.ts";
import { cut, shortenPath } from "./text_fit.ts";
import { TextInput } from "./text_input.ts";
import { longBytes, longTime } from "./units.ts";

export type { SnapshotTreeAction } from "./snapshot_tree_actions.ts";

const MAX_WIDTH = 100;
const MAX_HEIGHT = 40;
/** Rows the frame, header, details, dividers and footer take around the list. */
const LIST_CHROME_ROWS = 9;
/** Longest label the editor accepts. */
const MAX_LABEL = 60;

const LIST_FOOTER: readonly FooterKey[] = [
  ["↑↓", "move"],
  ["Enter/r", "restore"],
  ["d", "delete"],
  ["l", "label"],
  ["Esc", "close"],
];
const EDIT_FOOTER: readonly FooterKey[] = [["type", "the label"], ["Enter", "save"], ["Esc", "cancel"]];

/** The snapshot tree panel; emits {@link SnapshotTreeAction}s for the app to perform. */
export class SnapshotTreePanel implements Panel<SnapshotTreeAction> {
  #model!: SnapshotTreeModel;
  #rows: SnapshotRow[] = [];
  #cursor = new ListCursor();
  #dialog: Dialog<SnapshotTreeAction> | null = null;
  #editing: { id: string; input: TextInput } | null = null;
  #listRows = 1;

  constructor(model: SnapshotTreeModel) {
    this.update(model);
  }

  /** Never busy: progress arrives through {@link update}. */
  get busy(): boolean {
    return false;
  }

  /** The selected snapshot, or null when there are none. */
  get selected(): SnapshotView | null {
    return this.#rows[this.#cursor.selected]?.node ?? null;
  }

  /** True while the label editor is open. */
  get editing(): boolean {
    return this.#editing !== null;
  }

  /** Takes a new model; keeps the same snapshot selected (else the current one). */
  update(model: SnapshotTreeModel): void {
    const before = this.selected?.id ?? model.currentId;
    this.#model = model;
    this.#rows = snapshotRows(model);
    const at = this.#rows.findIndex((r) => r.node.id === before);
    this.#cursor.reset(this.#rows.map(() => true), at >= 0 ? at : this.#rows.length - 1);
    if (this.#editing && !this.#rows.some((r) => r.node.id === this.#editing?.id)) this.#editing = null;
  }

  /** Shows a message over the panel until a key is pressed (e.g. why the app's action failed). */
  notify(title: string, lines: readonly string[]): void {
    this.#dialog = Dialog.notice<SnapshotTreeAction>(title, lines);
  }

  key(event: KeyEvent): PanelResult<SnapshotTreeAction> {
    if (!event.pressed) return STAY;
    if (this.#dialog) {
      const answer = this.#dialog.key(event);
      if (answer === "open") return STAY;
      const action = this.#dialog.action;
      this.#dialog = null;
      return answer === "yes" && action ? { kind: "action", action } : STAY;
    }
    if (this.#editing) {
      const { id, input } = this.#editing;
      const result = input.key(event);
      if (result === "editing") return STAY;
      this.#editing = null;
      return result === "submit"
        ? { kind: "action", action: { type: "label", id, text: input.value } }
        : STAY;
    }
    const move = movement(event, this.#listRows - 1);
    if (move !== null) {
      if (move === "home" || move === "end") this.#cursor.jump(move === "home" ? -1 : 1);
      else this.#cursor.move(move);
      return STAY;
    }
    if (event.key === "Escape") return CLOSE;
    const node = this.selected;
    const l = letter(event);
    if (l === "q") return CLOSE;
    if (node === null) return STAY;
    if (event.key === "Enter" || event.key === "KPEnter" || l === "r") this.#dialog = restoreDialog(node);
    else if (l === "d") this.#dialog = deleteDialog(this.#model, node);
    else if (l === "l") this.#editing = { id: node.id, input: new TextInput(node.label, MAX_LABEL) };
    return STAY;
  }

  render(out: ByteSink, area: PanelArea): void {
    const place = placeBox(area, MAX_WIDTH, MAX_HEIGHT);
    if (place.width < 20 || place.height < 8) return;
    const canvas = new PanelCanvas(place.width, place.height);
    canvas.fill(Style.Body);
    canvas.frame(Style.Border, `Snapshots (${this.#rows.length})`);
    this.#drawList(canvas);
    this.#dialog?.draw(canvas);
    canvas.flush(out, place.row, place.col);
  }

  #drawList(canvas: PanelCanvas): void {
    const inner = canvas.width - 2, h = canvas.height;
    canvas.text(1, 1, snapshotHeader(inner), Style.Header);
    const visible = Math.max(1, h - LIST_CHROME_ROWS);
    this.#listRows = visible;
    const top = this.#cursor.scrollFor(visible);
    if (this.#rows.length === 0) canvas.text(2, 2, "No snapshots yet: Ctrl-] s takes one.", Style.Dim);
    for (let i = 0; i < visible && top + i < this.#rows.length; i++) {
      const row = this.#rows[top + i];
      const selected = top + i === this.#cursor.selected;
      canvas.text(
        2 + i,
        1,
        snapshotLine(row, this.#model.currentId, inner),
        selected ? Style.Selected : Style.Body,
      );
      if (selected && this.#editing) {
        // The row text starts at canvas column 1; its name column ends after 1 + nameColumns cells.
        const start = 1 + nameStart(row, inner);
        this.#editing.input.draw(canvas, 2 + i, start, 2 + nameColumns(inner) - start);
      }
    }
    const listEnd = 2 + visible;
    canvas.divider(listEnd, Style.Border);
    if (top > 0) canvas.text(0, canvas.width - 14, ` ↑ ${top} more `, Style.Border);
    const below = this.#rows.length - top - visible;
    if (below > 0) canvas.text(listEnd, canvas.width - 14, ` ↓ ${below} more `, Style.Border);
    const node = this.selected;
    if (node) {
      this.#detailLines(node, inner - 2).forEach((line, i) =>
        canvas.text(listEnd + 1 + i, 2, line, Style.Body)
      );
    }
    canvas.divider(h - 3, Style.Border);
    drawFooter(canvas, h - 2, 2, inner - 2, this.#editing ? EDIT_FOOTER : LIST_FOOTER);
  }

  #detailLines(node: SnapshotView, width: number): string[] {
    const parent = node.parentId === null ? "none" : node.parentId;
    const size = node.progress !== null
      ? `being written: ${Math.floor(node.progress * 100)}% (${longBytes(node.bytes)} so far)`
      : `size ${longBytes(node.bytes)}`;
    const disks = node.disks.length === 0
      ? "disks: none frozen"
      : `disks: ${
        node.disks.map((d) => shortenPath(d, Math.max(16, Math.floor((width - 7) / node.disks.length) - 2)))
          .join("; ")
      }`;
    return [
      cut(`id ${node.id}, parent ${parent}${node.label !== "" ? `, label "${node.label}"` : ""}`, width),
      cut(`taken ${longTime(node.time)}, ${size}`, width),
      cut(disks, width),
    ];
  }
}
