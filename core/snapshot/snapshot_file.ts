/**
 * Reads and verifies one `.t86snap` file: the completion marker and trailer first
 * (a file without them is incomplete and never restored), then the CRC-32 over the
 * body, then the structure. Page records are indexed, not decompressed.
 */
import { ByteReader } from "./byte_writer.ts";
import { crc32 } from "./crc32.ts";
import { decompress } from "./compress.ts";
import { describeError, SnapshotError } from "./errors.ts";
import {
  COMPLETE_MARKER,
  FORMAT_VERSION,
  PAGE_RAW,
  PAGE_REF,
  PAGE_ZERO,
  PAGE_ZSTD,
  SNAPSHOT_MAGIC,
  type SnapshotMeta,
  TAG_MEMORY,
  TAG_STATE,
  TAG_TRAILER,
  TRAILER_SIZE,
} from "./format.ts";
import { PAGE_SIZE } from "../memory/paged_memory.ts";
import { decodeState } from "./state_codec.ts";
import type { StateValue } from "../state.ts";

/** One memory section: per page its record kind and, for stored pages, where the data is. */
export interface MemorySection {
  readonly name: string;
  readonly size: number;
  readonly pageCount: number;
  readonly kinds: Uint8Array;
  readonly offsets: Uint32Array;
  readonly lengths: Uint32Array;
}

/** A verified snapshot file held in memory. */
export class SnapshotFile {
  /** Where it came from (a path, or a description for in-memory snapshots). */
  readonly source: string;
  readonly bytes: Uint8Array;
  readonly meta: SnapshotMeta;
  readonly memories: readonly MemorySection[];
  readonly #stateAt: number;
  readonly #stateRaw: number;
  readonly #statePacked: number;

  private constructor(
    source: string,
    bytes: Uint8Array,
    meta: SnapshotMeta,
    memories: MemorySection[],
    state: [number, number, number],
  ) {
    this.source = source;
    this.bytes = bytes;
    this.meta = meta;
    this.memories = memories;
    [this.#stateAt, this.#stateRaw, this.#statePacked] = state;
  }

  /** Reads and verifies the file at `path`. Throws {@link SnapshotError} naming the file. */
  static async read(path: string): Promise<SnapshotFile> {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(path);
    } catch (e) {
      throw new SnapshotError(path, `cannot read: ${describeError(e)}`);
    }
    return SnapshotFile.parse(bytes, path);
  }

  /** Synchronous {@link read} (command line). */
  static readSync(path: string): SnapshotFile {
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(path);
    } catch (e) {
      throw new SnapshotError(path, `cannot read: ${describeError(e)}`);
    }
    return SnapshotFile.parse(bytes, path);
  }

  /** Verifies and indexes snapshot bytes; `source` names them in errors. */
  static parse(bytes: Uint8Array, source: string): SnapshotFile {
    const minimum = SNAPSHOT_MAGIC.length + 4 + TRAILER_SIZE;
    if (bytes.length < minimum || !startsWith(bytes, SNAPSHOT_MAGIC, 0)) {
      if (bytes.length >= SNAPSHOT_MAGIC.length && !startsWith(bytes, SNAPSHOT_MAGIC, 0)) {
        throw new SnapshotError(source, "not a tty86 snapshot (bad magic)");
      }
      throw new SnapshotError(source, `incomplete snapshot (${bytes.length} bytes, no trailer)`);
    }
    if (!startsWith(bytes, COMPLETE_MARKER, bytes.length - COMPLETE_MARKER.length)) {
      throw new SnapshotError(source, "incomplete snapshot (no completion marker: writing was interrupted)");
    }
    const trailer = new ByteReader(bytes, bytes.length - TRAILER_SIZE);
    const bodyLength = bytes.length - TRAILER_SIZE;
    if (trailer.u32() !== TAG_TRAILER || trailer.u64() !== bodyLength) {
      throw new SnapshotError(source, "damaged snapshot (trailer does not match the file length)");
    }
    const want = trailer.u32();
    const have = crc32(bytes.subarray(0, bodyLength));
    if (want !== have) {
      throw new SnapshotError(
        source,
        `corrupt snapshot (checksum ${hex(have)}, expected ${hex(want)})`,
      );
    }
    try {
      return SnapshotFile.#structure(bytes.subarray(0, bodyLength), bytes, source);
    } catch (e) {
      if (e instanceof SnapshotError) throw e;
      throw new SnapshotError(source, `malformed snapshot: ${describeError(e)}`);
    }
  }

  static #structure(body: Uint8Array, bytes: Uint8Array, source: string): SnapshotFile {
    const r = new ByteReader(body, SNAPSHOT_MAGIC.length);
    const version = r.u16();
    if (version !== FORMAT_VERSION) {
      throw new SnapshotError(
        source,
        `snapshot format version ${version} is not supported (this is ${FORMAT_VERSION})`,
      );
    }
    r.u16();
    const meta = JSON.parse(r.string()) as SnapshotMeta;
    if (typeof meta?.id !== "string" || typeof meta.identity?.cpuModel !== "string") {
      throw new Error("metadata lacks id or machine identity");
    }
    if (r.u32() !== TAG_STATE) throw new Error("device state section missing");
    const stateRaw = r.u32();
    const statePacked = r.u32();
    const stateAt = r.pos;
    r.raw(statePacked);
    const memories: MemorySection[] = [];
    while (r.remaining > 0) {
      if (r.u32() !== TAG_MEMORY) throw new Error(`unexpected section at offset ${r.pos - 4}`);
      const name = r.string();
      const size = r.u32();
      const pageCount = r.u32();
      if (pageCount * PAGE_SIZE !== size) {
        throw new Error(`memory ${name}: ${pageCount} pages for ${size} bytes`);
      }
      const kinds = new Uint8Array(pageCount), offsets = new Uint32Array(pageCount);
      const lengths = new Uint32Array(pageCount);
      // Page records are walked with plain index arithmetic: a restore parses files once, in code
      // V8 has not optimised yet, where every reader call costs.
      const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
      const end = body.length;
      let pos = r.pos;
      for (let i = 0; i < pageCount; i++) {
        if (pos + 5 > end) throw new RangeError(`truncated: page record ${i} of memory ${name}`);
        const page = view.getUint32(pos, true);
        if (page !== i) throw new Error(`memory ${name}: page record ${i} says page ${page}`);
        const kind = body[pos + 4];
        pos += 5;
        kinds[i] = kind;
        if (kind === PAGE_ZSTD || kind === PAGE_RAW) {
          if (pos + 4 > end) throw new RangeError(`truncated: page record ${i} of memory ${name}`);
          const n = view.getUint32(pos, true);
          pos += 4;
          if (kind === PAGE_RAW && n !== PAGE_SIZE) {
            throw new Error(`memory ${name}: raw page ${i} is ${n} bytes`);
          }
          if (pos + n > end) throw new RangeError(`truncated: page ${i} of memory ${name}`);
          offsets[i] = pos;
          lengths[i] = n;
          pos += n;
        } else if (kind !== PAGE_ZERO && kind !== PAGE_REF) {
          throw new Error(`memory ${name}: page ${i} has unknown kind ${kind}`);
        }
      }
      r.pos = pos;
      if (kinds.includes(PAGE_REF) && meta.baseId === null) {
        throw new Error(`memory ${name}: page references without a base snapshot`);
      }
      memories.push({ name, size, pageCount, kinds, offsets, lengths });
    }
    return new SnapshotFile(source, bytes, meta, memories, [stateAt, stateRaw, statePacked]);
  }

  /** The memory section called `name`, or undefined. */
  memory(name: string): MemorySection | undefined {
    return this.memories.find((m) => m.name === name);
  }

  /** Decodes the CPU and device state. */
  state(): StateValue {
    try {
      const raw = decompress(this.bytes.subarray(this.#stateAt, this.#stateAt + this.#statePacked));
      if (raw.length !== this.#stateRaw) {
        throw new Error(`state is ${raw.length} bytes, expected ${this.#stateRaw}`);
      }
      return decodeState(raw);
    } catch (e) {
      throw new SnapshotError(this.source, `device state unreadable: ${describeError(e)}`);
    }
  }

  /** The device-state section as stored: its decoded length and the zstd bytes. */
  stateSection(): { rawLength: number; packed: Uint8Array } {
    return {
      rawLength: this.#stateRaw,
      packed: this.bytes.subarray(this.#stateAt, this.#stateAt + this.#statePacked),
    };
  }

  /** Bytes of compressed page data the file holds. */
  storedPageBytes(): number {
    let n = 0;
    for (const m of this.memories) for (const l of m.lengths) n += l;
    return n;
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at: number): boolean {
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}
