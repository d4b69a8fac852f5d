/**
 * The keyboard itself (an MF2 keyboard on the far end of the 8042's serial link):
 * its command set, its reply bytes and its buffer of scancodes.
 */

import type { StateValue } from "../../state.ts";
import { boolField, intField, stateRecord } from "../state_fields.ts";
import { ByteQueue } from "./byte_queue.ts";
import { keyEventLength, pushKeyEvent } from "./scancodes.ts";

/** Keyboard replies. */
export const KeyboardReply = {
  Ack: 0xFA,
  SelfTestPassed: 0xAA,
  Echo: 0xEE,
  Resend: 0xFE,
} as const;

/** Scancode-buffer size of the keyboard. */
export const KEY_BUFFER_BYTES = 16;

/** Typematic default: 10.9 characters/s after 500 ms. */
const DEFAULT_TYPEMATIC = 0x2B;

/** What a translating 8042 turns set-2 replies 1, 2, 3 into (F0 00 and the ID). */
const TRANSLATED_SET = [0x00, 0x43, 0x41, 0x3F];

/** The keyboard: commands in, replies and scancodes out. */
export class Ps2Keyboard {
  /** Command replies; they go out before any buffered scancode. */
  readonly replies = new ByteQueue(8);
  /** Scancodes (set 1) waiting to be sent. */
  readonly keys = new ByteQueue(KEY_BUFFER_BYTES);
  /** Scanning enabled (F4h) or disabled (F5h). */
  scanning = true;
  /** LED bits from EDh: 0 Scroll Lock, 1 Num Lock, 2 Caps Lock. */
  leds = 0;
  /** Typematic rate/delay byte from F3h (repeats come from the host, so it is only kept). */
  typematic = DEFAULT_TYPEMATIC;
  /** The scancode set selected with F0h; bytes produced are always set 1 (see README). */
  scancodeSet = 2;
  /** The command awaiting its data byte (EDh, F3h, F0h) or 0. */
  awaiting = 0;
  /** The last byte sent, for FEh (resend). */
  lastSent = KeyboardReply.SelfTestPassed as number;
  /** Key events dropped because the buffer was full. */
  overflows = 0;

  /** A host key event (see keyboard_input.ts); dropped whole when it does not fit. */
  keyEvent(code: number, pressed: boolean): void {
    if (!this.scanning) return;
    const length = keyEventLength(code, pressed);
    if (length === 0) return;
    if (this.keys.free < length) {
      this.overflows++;
      return;
    }
    pushKeyEvent(this.keys, code, pressed);
  }

  /** Whether a byte is ready to send to the controller. */
  hasByte(): boolean {
    return this.replies.size > 0 || (this.scanning && this.keys.size > 0);
  }

  /** Sends the next byte (call only when `hasByte()`). */
  takeByte(): number {
    const byte = this.replies.size > 0 ? this.replies.shift() : this.keys.shift();
    if (byte !== KeyboardReply.Resend) this.lastSent = byte;
    return byte;
  }

  /** A byte from the controller. `translate` is the 8042's translation bit. */
  receive(byte: number, translate: boolean): void {
    // A data byte never has bit 7 set; such a byte is a new command instead.
    if (this.awaiting !== 0 && (byte & 0x80) === 0) {
      this.receiveData(byte, translate);
      return;
    }
    this.awaiting = 0;
    switch (byte) {
      case 0xED: // set LEDs
      case 0xF3: // set typematic rate/delay
      case 0xF0: // get/set scancode set
        this.awaiting = byte;
        this.reply(KeyboardReply.Ack);
        return;
      case 0xEE:
        this.reply(KeyboardReply.Echo);
        return;
      case 0xF2: // identify: MF2 keyboard
        this.reply(KeyboardReply.Ack);
        this.reply(0xAB);
        this.reply(translate ? 0x41 : 0x83);
        return;
      case 0xF4: // enable scanning
        this.keys.clear();
        this.scanning = true;
        this.reply(KeyboardReply.Ack);
        return;
      case 0xF5: // disable scanning and restore defaults
        this.setDefaults();
        this.scanning = false;
        this.reply(KeyboardReply.Ack);
        return;
      case 0xF6: // restore defaults
        this.setDefaults();
        this.reply(KeyboardReply.Ack);
        return;
      case 0xFE:
        this.reply(this.lastSent);
        return;
      case 0xFF: // reset and self-test
        this.setDefaults();
        this.replies.clear();
        this.scanning = true;
        this.reply(KeyboardReply.Ack);
        this.reply(KeyboardReply.SelfTestPassed);
        return;
      default:
        // F7h–FDh (set-3 key types) are acknowledged; anything else is not a command.
        this.reply(byte >= 0xF7 && byte <= 0xFD ? KeyboardReply.Ack : KeyboardReply.Resend);
    }
  }

  saveState(): StateValue {
    return {
      replies: this.replies.save(),
      keys: this.keys.save(),
      scanning: this.scanning,
      leds: this.leds,
      typematic: this.typematic,
      scancodeSet: this.scancodeSet,
      awaiting: this.awaiting,
      lastSent: this.lastSent,
      overflows: this.overflows,
    };
  }

  loadState(value: StateValue, what: string): void {
    const r = stateRecord(value, what);
    this.replies.load(r.replies, `${what}.replies`);
    this.keys.load(r.keys, `${what}.keys`);
    this.scanning = boolField(r, "scanning", what);
    this.leds = intField(r, "leds", 0, 7, what);
    this.typematic = intField(r, "typematic", 0, 0x7F, what);
    this.scancodeSet = intField(r, "scancodeSet", 1, 3, what);
    this.awaiting = intField(r, "awaiting", 0, 0xFF, what);
    this.lastSent = intField(r, "lastSent", 0, 0xFF, what);
    this.overflows = intField(r, "overflows", 0, Number.MAX_SAFE_INTEGER, what);
  }

  private receiveData(byte: number, translate: boolean): void {
    const command = this.awaiting;
    this.awaiting = 0;
    if (command === 0xED) {
      this.leds = byte & 7;
    } else if (command === 0xF3) {
      this.typematic = byte & 0x7F;
    } else if (byte === 0) {
      this.reply(KeyboardReply.Ack);
      this.reply(translate ? TRANSLATED_SET[this.scancodeSet] : this.scancodeSet);
      return;
    } else if (byte <= 3) {
      this.scancodeSet = byte;
    } else {
      this.reply(KeyboardReply.Resend);
      return;
    }
    this.reply(KeyboardReply.Ack);
  }

  private setDefaults(): void {
    this.keys.clear();
    this.typematic = DEFAULT_TYPEMATIC;
  }

  private reply(byte: number): void {
    this.replies.push(byte);
  }
}
