/**
 * Which qcow2 features tty86 understands, and the refusals for the rest: an image with
 * a feature we cannot honour is refused with a message naming it, before any access.
 */
import { DiskError } from "../../errors.ts";
import { featureNamesOf, type HeaderExtension } from "./extensions.ts";
import {
  INCOMPAT_COMPRESSION_TYPE,
  INCOMPAT_CORRUPT,
  INCOMPAT_DATA_FILE,
  INCOMPAT_DIRTY,
  INCOMPAT_EXTENDED_L2,
  type Qcow2Header,
} from "./header.ts";

const KNOWN_INCOMPATIBLE = INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_DATA_FILE |
  INCOMPAT_COMPRESSION_TYPE |
  INCOMPAT_EXTENDED_L2;
const COMPRESSION_TYPE_NAMES = ["zlib", "zstd"];

/**
 * Throws a {@link DiskError} if the image uses a feature tty86 cannot read, or (for
 * read-write opens) one that makes writing unsafe.
 */
export function assertSupported(
  h: Qcow2Header,
  extensions: readonly HeaderExtension[],
  path: string,
  readOnly: boolean,
): void {
  const refuse = (problem: string): never => {
    throw new DiskError(path, `qcow2: ${problem}`);
  };
  if (h.cryptMethod !== 0) refuse(`encrypted images are not supported (crypt_method ${h.cryptMethod})`);
  const unknown = h.incompatibleFeatures & ~KNOWN_INCOMPATIBLE;
  if (unknown !== 0n) {
    const bit = lowestBit(unknown);
    const name = featureNamesOf(extensions).find((f) => f.kind === "incompatible" && f.bit === bit)?.name;
    refuse(`unknown incompatible feature bit ${bit}${name ? ` (${name})` : ""}`);
  }
  if (h.incompatibleFeatures & INCOMPAT_DATA_FILE) refuse("external data files are not supported");
  if (h.incompatibleFeatures & INCOMPAT_EXTENDED_L2) {
    refuse("extended L2 entries (subclusters) are not supported");
  }
  if ((h.incompatibleFeatures & INCOMPAT_COMPRESSION_TYPE) || h.compressionType !== 0) {
    const name = COMPRESSION_TYPE_NAMES[h.compressionType] ?? `type ${h.compressionType}`;
    refuse(`compression type ${name} is not supported (only zlib)`);
  }
  if (readOnly) return;
  if (h.incompatibleFeatures & INCOMPAT_CORRUPT) {
    refuse("image is marked corrupt; it can only be opened read-only");
  }
  if (h.incompatibleFeatures & INCOMPAT_DIRTY) {
    refuse(
      "image is dirty (lazy refcounts); repair it first (checkQcow2 with repair, or qemu-img check -r all)",
    );
  }
  if (h.nbSnapshots > 0) {
    refuse(`image has ${h.nbSnapshots} internal snapshot(s); tty86 opens such images read-only`);
  }
}

function lowestBit(mask: bigint): number {
  let bit = 0;
  while (((mask >> BigInt(bit)) & 1n) === 0n) bit++;
  return bit;
}
