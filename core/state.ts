/**
 * Device state for snapshots. Every device and the CPU can save its full state
 * as a plain value and load it back. The snapshot writer serializes these with
 * a versioned, checksummed format; devices only produce and accept the values.
 */

/** Plain data: numbers, booleans, strings, byte arrays, arrays and records of those. */
export type StateValue =
  | number
  | boolean
  | string
  | null
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | StateValue[]
  | { [key: string]: StateValue };

export interface Stateful {
  /** A deep copy of everything needed to resume exactly where the device is. */
  saveState(): StateValue;
  /** Replaces the device's state; throws with a clear message if the value is malformed. */
  loadState(state: StateValue): void;
}
