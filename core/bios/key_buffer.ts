/**
 * The BIOS keyboard ring buffer in the data area: head and tail offsets
 * (relative to segment 40h) at 40:1A/1C, bounds at 40:80/82. One slot stays
 * empty so that head = tail means empty.
 */
import {
  BDA_BASE,
  BDA_KBD_BUFFER,
  BDA_KBD_BUFFER_END,
  BDA_KBD_BUFFER_START,
  BDA_KBD_BUFFER_STOP,
} from "./bda.ts";
import { BDA_KBD_HEAD, BDA_KBD_TAIL } from "./bda.ts";
import type { Bda } from "./access.ts";

/** Reads and writes keystrokes in the guest's ring buffer. */
export class KeyBuffer {
  constructor(private readonly bda: Bda) {}

  private bounds(): { start: number; stop: number } {
    let start = this.bda.get16(BDA_KBD_BUFFER_START);
    let stop = this.bda.get16(BDA_KBD_BUFFER_STOP);
    if (start === 0 || stop <= start) {
      start = BDA_KBD_BUFFER;
      stop = BDA_KBD_BUFFER_END;
    }
    return { start, stop };
  }

  private advance(offset: number): number {
    const b = this.bounds();
    const next = offset + 2;
    return next >= b.stop ? b.start : next;
  }

  isEmpty(): boolean {
    return this.bda.get16(BDA_KBD_HEAD) === this.bda.get16(BDA_KBD_TAIL);
  }

  /** Appends a keystroke; false if the buffer is full. */
  push(key: number): boolean {
    const tail = this.bda.get16(BDA_KBD_TAIL);
    const next = this.advance(tail);
    if (next === this.bda.get16(BDA_KBD_HEAD)) return false;
    this.bda.set16(tail, key);
    this.bda.set16(BDA_KBD_TAIL, next);
    return true;
  }

  /** The keystroke at the head, or −1 when empty. */
  peek(): number {
    if (this.isEmpty()) return -1;
    return this.bda.get16(this.bda.get16(BDA_KBD_HEAD));
  }

  /** Removes and returns the keystroke at the head, or −1 when empty. */
  shift(): number {
    if (this.isEmpty()) return -1;
    const head = this.bda.get16(BDA_KBD_HEAD);
    const key = this.bda.get16(head);
    this.bda.set16(BDA_KBD_HEAD, this.advance(head));
    return key;
  }

  /** Empties the buffer (Ctrl-Break). */
  clear(): void {
    this.bda.set16(BDA_KBD_HEAD, this.bda.get16(BDA_KBD_TAIL));
  }

  /** Sets up the default buffer at 40:1E–3D (POST). */
  reset(): void {
    this.bda.set16(BDA_KBD_BUFFER_START, BDA_KBD_BUFFER);
    this.bda.set16(BDA_KBD_BUFFER_STOP, BDA_KBD_BUFFER_END);
    this.bda.set16(BDA_KBD_HEAD, BDA_KBD_BUFFER);
    this.bda.set16(BDA_KBD_TAIL, BDA_KBD_BUFFER);
  }
}

/** Linear address of the default keyboard buffer (for tests). */
export const KEY_BUFFER_LINEAR = BDA_BASE + BDA_KBD_BUFFER;
