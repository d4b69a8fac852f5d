/**
 * Compact binary encoding of a {@link StateValue} (device and CPU state).
 *
 * Why not JSON: device state is mostly small integers plus a few typed arrays
 * (VGA registers and palettes, BIOS tables). JSON would need base64 for those (a third
 * larger, plus a decode pass), would silently turn `-0`, `NaN` and `Infinity` into
 * other values, and could not tell a Uint16Array from a Uint8Array. This encoding is
 * exact for every StateValue, and the snapshot compresses it with zstd anyway.
 *
 * Layout: one tag byte, then the payload, little-endian (see docs/snapshot-format.md).
 */
import type { StateValue } from "../state.ts";
import { ByteReader, ByteWriter } from "./byte_writer.ts";

const T_NULL = 0, T_FALSE = 1, T_TRUE = 2, T_INT = 3, T_FLOAT = 4, T_STRING = 5;
const T_U8 = 6, T_U16 = 7, T_U32 = 8, T_ARRAY = 9, T_RECORD = 10;
const MAX_DEPTH = 64;

/** Encodes a state value into bytes. Throws `TypeError` on values that are not StateValues. */
export function encodeState(value: StateValue): Uint8Array {
  const encoder = new StateEncoder(value);
  encoder.step(Number.POSITIVE_INFINITY);
  return encoder.bytes();
}

/** A container being encoded: its children, and the index of the next one. */
interface Frame {
  /** The array's elements, or null for a record. */
  readonly array: readonly StateValue[] | null;
  /** The record, or null for an array. */
  readonly record: { readonly [key: string]: StateValue } | null;
  /** The record's field names in order (null for an array). */
  readonly names: readonly string[] | null;
  readonly length: number;
  next: number;
}

/**
 * {@link encodeState} in steps of a few values each, for a caller that must stay within a time
 * budget (the live writer encodes the state between emulation slices: the whole ~4 KiB machine
 * state took 0.5–2 ms in one go, code the process runs once per snapshot being slow to run).
 * The bytes are exactly {@link encodeState}'s. Containers are walked with an explicit stack (no
 * recursion, no generators: the same few small functions whatever the state's shape).
 *
 * @example
 * ```ts
 * const e = new StateEncoder(state);
 * while (!e.step(32)) await nextSlice(); // the guest runs between steps
 * const bytes = e.bytes();
 * ```
 */
export class StateEncoder {
  readonly #w = new ByteWriter(4096);
  readonly #stack: Frame[] = [];
  readonly #root: StateValue;
  #started = false;
  #done = false;

  constructor(value: StateValue) {
    this.#root = value;
  }

  /** True once the whole value is encoded. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Encodes up to `values` more values (containers count as one each, besides their elements).
   * True once the whole value is encoded. Throws `TypeError` naming the path of a value that is
   * not a StateValue.
   */
  step(values: number): boolean {
    if (this.#done) return true;
    const stack = this.#stack, w = this.#w;
    try {
      let n = 0;
      if (!this.#started) {
        this.#started = true;
        this.#put(this.#root);
        n++;
      }
      while (stack.length > 0 && n < values) {
        const top = stack[stack.length - 1];
        if (top.next === top.length) {
          stack.pop();
          continue;
        }
        const i = top.next++;
        if (top.record !== null) {
          const name = top.names![i];
          w.string(name);
          this.#put(top.record[name]);
        } else this.#put(top.array![i]);
        n++;
      }
    } catch (e) {
      this.#done = true;
      // The path is built only for the message (per field it cost a string allocation each time).
      if (e instanceof TypeError && e.message.startsWith(": ")) {
        throw new TypeError(`${statePath(stack)}${e.message}`);
      }
      throw e;
    }
    if (stack.length === 0) this.#done = true;
    return this.#done;
  }

  /** The encoded value (once {@link step} returned true). */
  bytes(): Uint8Array {
    if (!this.#done) throw new Error("state not encoded yet");
    return this.#w.bytes();
  }

  /** Writes `v` if it is not a container; else writes its head and makes it the next to walk. */
  #put(v: StateValue): void {
    const stack = this.#stack, w = this.#w;
    if (stack.length > MAX_DEPTH) throw new TypeError(`: nested deeper than ${MAX_DEPTH}`);
    if (Array.isArray(v)) {
      w.u8(T_ARRAY);
      w.u32(v.length);
      stack.push({ array: v, record: null, names: null, length: v.length, next: 0 });
    } else if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      const record = v as { [key: string]: StateValue };
      const names = Object.keys(record);
      w.u8(T_RECORD);
      w.u32(names.length);
      stack.push({ array: null, record, names, length: names.length, next: 0 });
    } else putLeaf(w, v);
  }
}

/** "state.vga.dac[3]": the path to the value the innermost container's last child started. */
function statePath(stack: readonly Frame[]): string {
  return "state" +
    stack.map((f) => f.names !== null ? `.${f.names[f.next - 1]}` : `[${f.next - 1}]`).join("");
}

/** Writes a value that is not an array or a record. */
function putLeaf(w: ByteWriter, v: StateValue): void {
  if (v === null) w.u8(T_NULL);
  else if (v === false) w.u8(T_FALSE);
  else if (v === true) w.u8(T_TRUE);
  else if (typeof v === "number") {
    if (Number.isInteger(v) && v >= -0x8000_0000 && v <= 0x7FFF_FFFF && !Object.is(v, -0)) {
      w.u8(T_INT);
      w.i32(v);
    } else {
      w.u8(T_FLOAT);
      w.f64(v);
    }
  } else if (typeof v === "string") {
    w.u8(T_STRING);
    w.string(v);
  } else if (v instanceof Uint8Array) {
    w.u8(T_U8);
    w.u32(v.length);
    w.raw(v);
  } else if (v instanceof Uint16Array) {
    w.u8(T_U16);
    w.u32(v.length);
    // Element by element so the file is little-endian whatever the host is.
    for (let i = 0; i < v.length; i++) w.u16(v[i]);
  } else if (v instanceof Uint32Array) {
    w.u8(T_U32);
    w.u32(v.length);
    for (let i = 0; i < v.length; i++) w.u32(v[i]);
  } else {
    throw new TypeError(`: not a state value (${Object.prototype.toString.call(v)})`);
  }
}

/** Decodes bytes made by {@link encodeState}; throws `RangeError`/`TypeError` on malformed input. */
export function decodeState(bytes: Uint8Array): StateValue {
  const r = new ByteReader(bytes);
  const v = get(r, 0);
  if (r.remaining !== 0) throw new TypeError(`state: ${r.remaining} stray bytes after the value`);
  return v;
}

function get(r: ByteReader, depth: number): StateValue {
  if (depth > MAX_DEPTH) throw new TypeError(`state nested deeper than ${MAX_DEPTH}`);
  const tag = r.u8();
  switch (tag) {
    case T_NULL:
      return null;
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_INT:
      return r.i32();
    case T_FLOAT:
      return r.f64();
    case T_STRING:
      return r.string();
    case T_U8:
      return r.raw(r.u32()).slice();
    case T_U16: {
      const n = r.u32();
      if (n * 2 > r.remaining) throw new RangeError(`truncated Uint16Array of ${n} elements`);
      const a = new Uint16Array(n);
      for (let i = 0; i < n; i++) a[i] = r.u16();
      return a;
    }
    case T_U32: {
      const n = r.u32();
      if (n * 4 > r.remaining) throw new RangeError(`truncated Uint32Array of ${n} elements`);
      const a = new Uint32Array(n);
      for (let i = 0; i < n; i++) a[i] = r.u32();
      return a;
    }
    case T_ARRAY: {
      const n = r.u32();
      if (n > r.remaining) throw new RangeError(`truncated array of ${n} elements`);
      const a: StateValue[] = [];
      for (let i = 0; i < n; i++) a.push(get(r, depth + 1));
      return a;
    }
    case T_RECORD: {
      const n = r.u32();
      if (n > r.remaining) throw new RangeError(`truncated record of ${n} fields`);
      const o: { [key: string]: StateValue } = {};
      for (let i = 0; i < n; i++) {
        const k = r.string();
        const v = get(r, depth + 1);
        // defineProperty for a key named "__proto__" (it must stay a plain field); plain stores
        // otherwise, which are several times cheaper.
        if (k === "__proto__") {
          Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
        } else o[k] = v;
      }
      return o;
    }
    default:
      throw new TypeError(`unknown state tag ${tag} at offset ${r.pos - 1}`);
  }
}
