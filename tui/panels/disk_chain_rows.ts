/**
 * The disk chain panel's list: one heading per drive, one row per layer (base first, the tree drawn
 * with "└─"), in columns that fit the box width: the file name takes what the others leave.
 */
import type { DiskChainModel, DiskLayerView, DriveView } from "./disk_chain_model.ts";
import { fit, shortenPath } from "./text_fit.ts";
import { percent, shortBytes, shortTime } from "./units.ts";

/** One line of the list: a drive heading or a layer. */
export type ChainRow =
  | { kind: "drive"; drive: DriveView }
  | { kind: "layer"; drive: DriveView; layer: DiskLayerView };

/** The list rows for a model, in drawing order. */
export function chainRows(model: DiskChainModel): ChainRow[] {
  const rows: ChainRow[] = [];
  for (const drive of model.drives) {
    rows.push({ kind: "drive", drive });
    for (const layer of drive.layers) rows.push({ kind: "layer", drive, layer });
  }
  return rows;
}

/** Column widths for an inner width; `created` is dropped when the box is narrow. */
interface Columns {
  name: number;
  created: number;
  frozen: number;
}

const INDEX_WIDTH = 3;
const FORMAT_WIDTH = 5;
const HOST_WIDTH = 6;
const ALLOC_WIDTH = 5;
/** Deepest indentation step: a 40-layer chain must not push names off the row. */
const MAX_INDENT_LEVELS = 4;

function columnsFor(width: number): Columns {
  const created = width >= 70 ? 11 : 0;
  const frozen = width >= 56 ? Math.min(16, Math.max(9, Math.floor(width / 8))) : 0;
  const gaps = 6 + (created > 0 ? 1 : 0) + (frozen > 0 ? 1 : 0);
  const fixed = INDEX_WIDTH + FORMAT_WIDTH + HOST_WIDTH + ALLOC_WIDTH + created + frozen + gaps;
  return { name: Math.max(8, width - fixed), created, frozen };
}

/** The column titles line for an inner width. */
export function chainHeader(width: number): string {
  const c = columnsFor(width);
  let s = ` ${fit("#", INDEX_WIDTH, "right")} ${fit("layer file", c.name)} ${fit("fmt", FORMAT_WIDTH)} ` +
    `${fit("host", HOST_WIDTH, "right")} ${fit("alloc", ALLOC_WIDTH, "right")}`;
  if (c.created > 0) s += ` ${fit("created", c.created)}`;
  if (c.frozen > 0) s += ` ${fit("frozen by", c.frozen)}`;
  return fit(s, width);
}

/** A drive heading: name, depth and virtual size. */
export function driveLine(drive: DriveView, width: number): string {
  if (drive.layers.length === 0) return fit(` ${drive.name} no disk`, width);
  const top = drive.layers[drive.layers.length - 1];
  const count = drive.layers.length === 1 ? "1 layer" : `${drive.layers.length} layers`;
  const mode = top.inMemory ? ", writes kept in memory" : top.readOnly ? ", read-only" : "";
  return fit(` ${drive.name} ${count}, ${shortBytes(top.virtualBytes)} disk${mode}`, width);
}

/** A layer row; the allocation column shows "…" until its scan is done. */
export function layerLine(drive: DriveView, layer: DiskLayerView, width: number): string {
  const c = columnsFor(width);
  const depth = Math.min(layer.index, MAX_INDENT_LEVELS);
  const tree = layer.index === 0 ? "" : "  ".repeat(depth - 1) + "└─";
  const isTop = layer.index === drive.layers.length - 1;
  const nameWidth = c.name - [...tree].length;
  const name = layer.inMemory ? "(memory overlay)" : shortenPath(baseName(layer.path), nameWidth);
  const alloc = layer.allocation.done ? percent(layer.allocation.share) : "…";
  let s = ` ${fit(String(layer.index), INDEX_WIDTH, "right")} ${tree}${fit(name, nameWidth)} ` +
    `${fit(layer.format, FORMAT_WIDTH)} ${fit(shortBytes(layer.hostBytes), HOST_WIDTH, "right")} ` +
    `${fit(alloc, ALLOC_WIDTH, "right")}`;
  if (c.created > 0) s += ` ${fit(layer.created ? shortTime(layer.created) : "-", c.created)}`;
  if (c.frozen > 0) s += ` ${fit(layer.frozenBy ?? (isTop ? "(top)" : "-"), c.frozen)}`;
  return fit(s, width);
}

/** The last path component (the list shows names; the details show the whole path). */
export function baseName(path: string): string {
  const i = path.lastIndexOf("/");
  return i >= 0 && i < path.length - 1 ? path.slice(i + 1) : path;
}
