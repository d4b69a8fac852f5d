/**
 * Checked access to saved device state, so `loadState` fails with a clear message
 * instead of loading garbage.
 */

import type { StateValue } from "../state.ts";

/** A saved state record (the shape every device here saves). */
export type StateRecord = { [key: string]: StateValue };

/** The value as a record, or throws naming `what`. */
export function stateRecord(value: StateValue, what: string): StateRecord {
  if (value === null || typeof value !== "object" || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new Error(`${what}: saved state is not a record`);
  }
  return value as StateRecord;
}

/** A finite number field. */
export function numberField(rec: StateRecord, key: string, what: string): number {
  const v = rec[key];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new Error(`${what}: saved state field "${key}" is not a finite number`);
  }
  return v;
}

/** An integer field within [min, max]. */
export function intField(rec: StateRecord, key: string, min: number, max: number, what: string): number {
  const v = numberField(rec, key, what);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${what}: saved state field "${key}" = ${v} is outside ${min}..${max}`);
  }
  return v;
}

/** A boolean field. */
export function boolField(rec: StateRecord, key: string, what: string): boolean {
  const v = rec[key];
  if (typeof v !== "boolean") throw new Error(`${what}: saved state field "${key}" is not a boolean`);
  return v;
}

/** A byte array field of exactly `length` bytes. */
export function bytesField(rec: StateRecord, key: string, length: number, what: string): Uint8Array {
  const v = rec[key];
  if (!(v instanceof Uint8Array) || v.length !== length) {
    throw new Error(`${what}: saved state field "${key}" is not a ${length}-byte array`);
  }
  return v;
}

/** A nested record field. */
export function recordField(rec: StateRecord, key: string, what: string): StateRecord {
  const v = rec[key];
  if (v === undefined) throw new Error(`${what}: saved state field "${key}" is missing`);
  return stateRecord(v, `${what}.${key}`);
}
