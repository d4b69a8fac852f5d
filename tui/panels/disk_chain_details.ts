/** The text about one layer: a short summary under the list, and the full page Enter opens. */
import type { DiskLayerView, DriveView } from "./disk_chain_model.ts";
import { cut, shortenPath } from "./text_fit.ts";
import { longBytes, longTime, percent, shortBytes } from "./units.ts";

/** One detail line and whether it is the allocation bar (drawn in its own colour). */
export interface DetailLine {
  text: string;
  bar?: boolean;
}

/** What the allocation scan has found, or how far it got. */
export function allocationText(layer: DiskLayerView): string {
  const scan = layer.allocation;
  if (!scan.done) return `allocated: scanning… ${Math.floor(scan.progress * 100)}%`;
  const extents = scan.extents === 1 ? "1 extent" : `${scan.extents} extents`;
  return `allocated: ${shortBytes(scan.allocatedBytes)} (${percent(scan.share)}) in ${extents}`;
}

/** The map bar with its frame: "map |██··░   |". */
function mapLine(layer: DiskLayerView, width: number): DetailLine {
  const barWidth = Math.max(0, width - 6);
  return { text: `map |${layer.allocation.bar(barWidth)}|`, bar: true };
}

function frozenText(drive: DriveView, layer: DiskLayerView): string {
  if (layer.frozenBy !== null) return `frozen by snapshot ${layer.frozenBy}`;
  if (layer.index === drive.layers.length - 1) return layer.readOnly ? "top, read-only" : "top, writable";
  return "read-only, no snapshot";
}

/** The four summary lines under the list for the selected layer. */
export function summaryLines(drive: DriveView, layer: DiskLayerView, width: number): DetailLine[] {
  const where = layer.inMemory ? "(in memory, lost on exit)" : shortenPath(layer.path, width - 6);
  const created = layer.created ? `, created ${longTime(layer.created)}` : "";
  return [
    { text: cut(`file ${where}`, width) },
    {
      text: cut(
        `${layer.format}, ${shortBytes(layer.virtualBytes)} disk, ${
          shortBytes(layer.hostBytes)
        } on host${created}`,
        width,
      ),
    },
    { text: cut(`${allocationText(layer)}; ${frozenText(drive, layer)}`, width) },
    mapLine(layer, width),
  ];
}

/** The full detail page for a layer (the whole path is wrapped, not shortened). */
export function detailLines(drive: DriveView, layer: DiskLayerView, width: number): DetailLine[] {
  const n = drive.layers.length;
  const role = layer.index === 0
    ? (n === 1 ? "base and top" : "base")
    : layer.index === n - 1
    ? "top"
    : "intermediate";
  const parent = layer.index > 0 ? drive.layers[layer.index - 1] : null;
  const child = layer.index < n - 1 ? drive.layers[layer.index + 1] : null;
  const lines: DetailLine[] = [
    { text: `drive ${drive.name}, layer ${layer.index} of ${n - 1} (${role})` },
    ...wrapPath("file:      ", layer.inMemory ? "(in memory, lost on exit)" : layer.path, width),
    { text: `format:    ${layer.format}${layer.readOnly ? ", read-only" : ", writable"}` },
    { text: cut(`disk size: ${longBytes(layer.virtualBytes)}`, width) },
    { text: cut(`on host:   ${longBytes(layer.hostBytes)}`, width) },
    { text: `created:   ${layer.created ? longTime(layer.created) : "-"}` },
    { text: cut(`snapshot:  ${frozenText(drive, layer)}`, width) },
    { text: cut(allocationText(layer), width) },
    mapLine(layer, width),
    { text: cut(`parent:    ${parent ? shortenPath(parent.path, width - 11) : "none (base image)"}`, width) },
    { text: cut(`child:     ${child ? shortenPath(child.path, width - 11) : "none (top)"}`, width) },
  ];
  return lines;
}

/** A labelled path over as many lines as it needs. */
function wrapPath(label: string, path: string, width: number): DetailLine[] {
  const room = Math.max(8, width - label.length);
  const chars = [...path];
  const lines: DetailLine[] = [];
  for (let i = 0; i < chars.length || i === 0; i += room) {
    lines.push({ text: (i === 0 ? label : " ".repeat(label.length)) + chars.slice(i, i + room).join("") });
  }
  return lines;
}
