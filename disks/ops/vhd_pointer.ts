/**
 * Rewriting a differencing VHD's parent pointer: parent unique id, time stamp, name and
 * the W2ru/W2ku locators. The VHD module does not expose this, so it is done here with
 * its header codecs.
 *
 * Crash-safe order: the new locator data is appended where the trailing footer was, a
 * footer follows it, and both are synced; only then is the dynamic header (which points
 * at the new locators) rewritten. A crash before the header write leaves the old, intact
 * pointer and some unreferenced bytes; the old locator space is left unused.
 */
import { basename, dirname, relative, resolve } from "node:path";
import { SECTOR_SIZE } from "../block_device.ts";
import { DiskError } from "../errors.ts";
import { encodeHeader, type LocatorEntry } from "../formats/vhd/dynamic_header.ts";
import { decodeFooter, encodeFooter, FOOTER_SIZE } from "../formats/vhd/footer.ts";
import {
  locatorPayload,
  PLATFORM_W2KU,
  PLATFORM_W2RU,
  relativeLocatorText,
} from "../formats/vhd/locators.ts";
import { openVhd } from "../formats/vhd/vhd_image.ts";
import { HostFile } from "../host_file.ts";

/** Points the differencing VHD at `path` to the VHD at `parentPath`. */
export function rewriteVhdParent(path: string, parentPath: string): void {
  const parent = openVhd(parentPath, { readOnly: true });
  let link: { uniqueId: Uint8Array; timestamp: number; absolute: string };
  try {
    link = {
      uniqueId: parent.footer.uniqueId,
      timestamp: parent.modificationTimestamp(),
      absolute: Deno.realPathSync(parentPath),
    };
  } finally {
    parent.close();
  }
  const child = openVhd(path, { readOnly: true });
  const header = child.header;
  const footer = child.footer;
  child.close();
  if (header === null || !child.isDifferencing) {
    throw new DiskError(path, "not a differencing VHD (it has no parent pointer to rewrite)");
  }
  const file = HostFile.open(path, false);
  try {
    const fileSize = file.size();
    const tail = new Uint8Array(FOOTER_SIZE);
    file.readAt(fileSize - FOOTER_SIZE, tail);
    const trailing = decodeFooter(tail);
    if (!trailing || trailing.storedChecksum !== trailing.computedChecksum || fileSize % SECTOR_SIZE !== 0) {
      throw new DiskError(path, "the trailing VHD footer is damaged; run `tty86 disk check --repair` first");
    }
    let at = fileSize - FOOTER_SIZE;
    const texts = [
      {
        platformCode: PLATFORM_W2RU,
        text: relativeLocatorText(relative(resolve(dirname(path)), link.absolute)),
      },
      { platformCode: PLATFORM_W2KU, text: link.absolute },
    ];
    const locators: LocatorEntry[] = [];
    for (const { platformCode, text } of texts) {
      const payload = locatorPayload(text);
      const padded = new Uint8Array(payload.sectors * SECTOR_SIZE);
      padded.set(payload.bytes);
      file.writeAt(at, padded);
      locators.push({
        platformCode,
        dataSpace: payload.sectors,
        dataLength: payload.bytes.length,
        dataOffset: at,
      });
      at += padded.length;
    }
    file.writeAt(at, encodeFooter(footer));
    file.sync();
    const newHeader = encodeHeader({
      ...header,
      parentUniqueId: link.uniqueId,
      parentTimestamp: link.timestamp,
      parentUnicodeName: basename(link.absolute),
      locators,
    });
    file.writeAt(footer.dataOffset ?? FOOTER_SIZE, newHeader);
    file.sync();
  } finally {
    file.close();
  }
}
