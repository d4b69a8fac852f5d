/**
 * Bracketed paste → typed keys at a rate the guest can take.
 *
 * A DOS BIOS keyboard buffer holds 15 keys; pasting faster than the guest reads would lose text, so
 * the queue hands out one key per `intervalMs` of real time (default 20 ms, 50 keys/s, about what a
 * fast typist does). Text is capped (default 64 KiB; the rest is dropped and noted). `\r`, `\n` and
 * `\r\n` become Enter, `\t` Tab; other control characters and non-ASCII characters are dropped (the
 * guest keyboard is a US layout; a note says how many).
 *
 * @example
 * ```ts
 * const paste = new PasteQueue((key) => translator.type(key));
 * paste.begin(); for (const c of "dir\r") paste.push(c.codePointAt(0)!); paste.end();
 * paste.pump(performance.now()); // types "d"; call again ≥ 20 ms later for "i", ...
 * ```
 * @module
 */

/** Limits of a {@link PasteQueue}. */
export interface PasteOptions {
  /** Real time between two typed keys. */
  intervalMs?: number;
  /** Most characters queued; more are dropped. */
  capBytes?: number;
}

const ENTER = 0x0d;
const TAB = 0x09;
const KEY_NAMES: readonly string[] = Array.from(
  { length: 128 },
  (_, code) => code === ENTER ? "Enter" : code === TAB ? "Tab" : String.fromCharCode(code),
);

/** A bounded queue of pasted characters, drained by {@link PasteQueue.pump}. */
export class PasteQueue {
  readonly intervalMs: number;
  readonly capBytes: number;
  private readonly ring: Uint8Array;
  private head = 0;
  private size = 0;
  private nextDue = -Infinity;
  private lastWasCR = false;
  private droppedOverCap = 0;
  private droppedNonAscii = 0;
  private readonly notes: string[] = [];

  constructor(private readonly typeKey: (key: string) => void, options: PasteOptions = {}) {
    this.intervalMs = options.intervalMs ?? 20;
    this.capBytes = options.capBytes ?? 64 * 1024;
    this.ring = new Uint8Array(this.capBytes);
  }

  /** Characters waiting to be typed. */
  get pending(): number {
    return this.size;
  }

  /** A paste starts. */
  begin(): void {
    this.lastWasCR = false;
    this.droppedOverCap = 0;
    this.droppedNonAscii = 0;
  }

  /** One pasted character (code point). */
  push(codePoint: number): void {
    let code = codePoint;
    if (code === 0x0a) {
      if (this.lastWasCR) { // \r\n is one Enter
        this.lastWasCR = false;
        return;
      }
      code = ENTER;
    }
    this.lastWasCR = code === ENTER;
    if (code !== ENTER && code !== TAB && (code < 0x20 || code > 0x7e)) {
      if (code >= 0x80) this.droppedNonAscii++;
      return;
    }
    if (this.size >= this.capBytes) {
      this.droppedOverCap++;
      return;
    }
    this.ring[(this.head + this.size) % this.capBytes] = code;
    this.size++;
  }

  /** The paste ended: records notes about anything dropped. */
  end(): void {
    if (this.droppedNonAscii > 0) {
      this.notes.push(
        `paste: ${this.droppedNonAscii} non-ASCII characters dropped (the guest has a US keyboard)`,
      );
    }
    if (this.droppedOverCap > 0) {
      this.notes.push(`paste: ${this.droppedOverCap} characters beyond ${this.capBytes} dropped`);
    }
    this.droppedOverCap = 0;
    this.droppedNonAscii = 0;
  }

  /** Types the next key if its time has come; returns how many keys were typed (0 or 1). */
  pump(now: number): number {
    if (this.size === 0 || now < this.nextDue) return 0;
    const code = this.ring[this.head];
    this.head = (this.head + 1) % this.capBytes;
    this.size--;
    this.nextDue = now + this.intervalMs;
    this.typeKey(KEY_NAMES[code]);
    return 1;
  }

  /** Milliseconds until {@link pump} will type again (0 if now, Infinity if nothing is queued). */
  dueIn(now: number): number {
    if (this.size === 0) return Infinity;
    return Math.max(0, this.nextDue - now);
  }

  /** Drops everything queued (e.g. on reset). */
  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  /** Notes gathered since the last call (what was dropped and why). */
  takeNotes(): string[] {
    return this.notes.splice(0, this.notes.length);
  }
}
