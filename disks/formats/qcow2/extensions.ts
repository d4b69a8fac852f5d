/**
 * qcow2 header extensions: the type/length/data records between the fixed header and
 * the backing file name. tty86 reads the backing format and the feature name table,
 * and never rewrites this area of an existing image, so unknown extensions survive.
 */
import { DiskError } from "../../errors.ts";

export const EXT_END = 0x00000000;
export const EXT_BACKING_FORMAT = 0xe2792aca;
export const EXT_FEATURE_NAMES = 0x6803f857;
export const EXT_BITMAPS = 0x23852875;
export const EXT_CRYPTO = 0x0537be77;
export const EXT_DATA_FILE = 0x44415441;

/** Feature bitmap selectors used by the feature name table. */
export type FeatureKind = "incompatible" | "compatible" | "autoclear";
const FEATURE_KINDS: readonly FeatureKind[] = ["incompatible", "compatible", "autoclear"];
const FEATURE_ENTRY_SIZE = 48;
const FEATURE_NAME_SIZE = 46;

/** One header extension as stored (data without padding). */
export interface HeaderExtension {
  readonly type: number;
  readonly data: Uint8Array;
}

/** One entry of the feature name table. */
export interface FeatureName {
  readonly kind: FeatureKind;
  readonly bit: number;
  readonly name: string;
}

/**
 * Decodes the extensions stored in `cluster0` from `start` (header_length) up to `end`
 * (the backing file name, or the end of the first cluster).
 */
export function parseExtensions(
  cluster0: Uint8Array,
  start: number,
  end: number,
  path: string,
): HeaderExtension[] {
  const view = new DataView(cluster0.buffer, cluster0.byteOffset, cluster0.byteLength);
  const limit = Math.min(end, cluster0.length);
  const found: HeaderExtension[] = [];
  let at = start;
  while (at + 8 <= limit) {
    const type = view.getUint32(at);
    if (type === EXT_END) return found;
    const length = view.getUint32(at + 4);
    if (at + 8 + length > limit) {
      throw new DiskError(path, `qcow2: header extension 0x${type.toString(16)} overruns the header area`);
    }
    found.push({ type, data: cluster0.slice(at + 8, at + 8 + length) });
    at += 8 + roundUp8(length);
  }
  if (at < limit) throw new DiskError(path, "qcow2: header extension area is truncated");
  return found;
}

/** Encodes extensions followed by the end marker, each padded to 8 bytes. */
export function encodeExtensions(extensions: readonly HeaderExtension[]): Uint8Array {
  let total = 8;
  for (const e of extensions) total += 8 + roundUp8(e.data.length);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const e of extensions) {
    view.setUint32(at, e.type);
    view.setUint32(at + 4, e.data.length);
    bytes.set(e.data, at + 8);
    at += 8 + roundUp8(e.data.length);
  }
  return bytes; // the trailing 8 zero bytes are the end marker
}

/** The backing file format string, if the image records one. */
export function backingFormatOf(extensions: readonly HeaderExtension[]): string | undefined {
  const ext = extensions.find((e) => e.type === EXT_BACKING_FORMAT);
  return ext ? new TextDecoder().decode(ext.data) : undefined;
}

/** Decodes the feature name table, if present (used to name unsupported features in errors). */
export function featureNamesOf(extensions: readonly HeaderExtension[]): FeatureName[] {
  const ext = extensions.find((e) => e.type === EXT_FEATURE_NAMES);
  if (!ext) return [];
  const names: FeatureName[] = [];
  for (let at = 0; at + FEATURE_ENTRY_SIZE <= ext.data.length; at += FEATURE_ENTRY_SIZE) {
    const kind = FEATURE_KINDS[ext.data[at]];
    if (kind === undefined) continue;
    const raw = ext.data.subarray(at + 2, at + 2 + FEATURE_NAME_SIZE);
    const nul = raw.indexOf(0);
    names.push({
      kind,
      bit: ext.data[at + 1],
      name: new TextDecoder().decode(nul < 0 ? raw : raw.subarray(0, nul)),
    });
  }
  return names;
}

/** Encodes a feature name table extension. */
export function encodeFeatureNames(names: readonly FeatureName[]): HeaderExtension {
  const data = new Uint8Array(names.length * FEATURE_ENTRY_SIZE);
  names.forEach((f, i) => {
    const at = i * FEATURE_ENTRY_SIZE;
    data[at] = FEATURE_KINDS.indexOf(f.kind);
    data[at + 1] = f.bit;
    data.set(new TextEncoder().encode(f.name).subarray(0, FEATURE_NAME_SIZE), at + 2);
  });
  return { type: EXT_FEATURE_NAMES, data };
}

function roundUp8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
