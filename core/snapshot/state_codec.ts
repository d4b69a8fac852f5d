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
  const w = new ByteWriter(4096);
  const keys: (string | number)[] = [];
  try {
    put(w, value, keys);
  } catch (e) {
    // The path is built only for the message (per field it cost a string allocation each time).
    if (e instanceof TypeError && e.message.startsWith(": ")) {
      throw new TypeError(`${statePath(keys)}${e.message}`);
    }
    throw e;
  }
  return w.bytes();
}

/** "state.vga.dac[3]" from the keys leading to a value. */
function statePath(keys: readonly (string | number)[]): string {
  return "state" + keys.map((k) => typeof k === "number" ? `[${k}]` : `.${k}`).join("");
}

/** Writes `v`; `keys` is the path to it (pushed and popped around children, read only on error). */
function put(w: ByteWriter, v: StateValue, keys: (string | number)[]): void {
  if (keys.length > MAX_DEPTH) throw new TypeError(`: nested deeper than ${MAX_DEPTH}`);
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
  } else if (Array.isArray(v)) {
    w.u8(T_ARRAY);
    w.u32(v.length);
    for (let i = 0; i < v.length; i++) {
      keys.push(i);
      put(w, v[i], keys);
      keys.pop();
    }
  } else if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const names = Object.keys(v);
    w.u8(T_RECORD);
    w.u32(names.length);
    for (const k of names) {
      w.string(k);
      keys.push(k);
      put(w, v[k], keys);
      keys.pop();
    }
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
