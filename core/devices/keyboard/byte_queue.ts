/**
 * A fixed-capacity FIFO of bytes (ring buffer): pushing and shifting allocate nothing.
 */

import type { StateValue } from "../../state.ts";

/** A bounded byte FIFO. */
export class ByteQueue {
  private readonly data: Uint8Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.data = new Uint8Array(capacity);
  }

  /** Bytes queued. */
  get size(): number {
    return this.count;
  }

  /** Room left. */
  get free(): number {
    return this.capacity - this.count;
  }

  /** Appends `byte`; returns false (and drops it) when full. */
  push(byte: number): boolean {
    if (this.count === this.capacity) return false;
    this.data[(this.head + this.count) % this.capacity] = byte;
    this.count++;
    return true;
  }

  /** Removes and returns the oldest byte, or -1 when empty. */
  shift(): number {
    if (this.count === 0) return -1;
    const byte = this.data[this.head];
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return byte;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /** The queued bytes, oldest first (a copy). */
  save(): StateValue {
    const out = new Uint8Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.data[(this.head + i) % this.capacity];
    return out;
  }

  /** Replaces the contents with saved bytes; throws if they are not bytes or do not fit. */
  load(value: StateValue | undefined, what: string): void {
    if (!(value instanceof Uint8Array) || value.length > this.capacity) {
      throw new Error(`${what}: saved queue is not a byte array of at most ${this.capacity} bytes`);
    }
    this.data.set(value);
    this.head = 0;
    this.count = value.length;
  }
}
