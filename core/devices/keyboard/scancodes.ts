/**
 * Host key events to the set-1 byte sequences a keyboard behind a translating 8042 sends.
 */

import type { ByteQueue } from "./byte_queue.ts";

/** The host code of Pause (see keyboard_input.ts). */
export const PAUSE_CODE = 0xE11D45;

/** Bytes the event produces (0 for events that send nothing, e.g. releasing Pause). */
export function keyEventLength(code: number, pressed: boolean): number {
  if (code === PAUSE_CODE) return pressed ? 6 : 0;
  if (code >> 8 === 0xE0) return 2;
  return code >= 0 && code <= 0xFF ? 1 : 0;
}

/**
 * Appends the event's bytes to `queue`, which must have `keyEventLength` bytes free.
 * Make codes are the code; break codes set bit 7; extended keys carry an E0 prefix on both.
 * Pause sends E1 1D 45 E1 9D C5 when pressed and nothing when released (it has no break).
 */
export function pushKeyEvent(queue: ByteQueue, code: number, pressed: boolean): void {
  const breakBit = pressed ? 0 : 0x80;
  if (code === PAUSE_CODE) {
    if (!pressed) return;
    queue.push(0xE1);
    queue.push(0x1D);
    queue.push(0x45);
    queue.push(0xE1);
    queue.push(0x9D);
    queue.push(0xC5);
  } else if (code >> 8 === 0xE0) {
    queue.push(0xE0);
    queue.push((code & 0x7F) | breakBit);
  } else if (code >= 0 && code <= 0xFF) {
    queue.push((code & 0x7F) | breakBit);
  }
}
