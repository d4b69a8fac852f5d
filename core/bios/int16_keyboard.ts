/**
 * INT 16h keyboard services. The ROM stub loops on STI/HLT while AH=00h/10h
 * finds the buffer empty: this service signals that with CF=1 and leaves
 * every register as it was.
 */
import { AH, AL, AX, BX, CX } from "../cpu/registers.ts";
import { BDA_KBD_FLAGS0, BDA_KBD_FLAGS1, BDA_KBD_FLAGS3, KF1_LALT, KF1_LCTRL, KF1_SYSREQ } from "./bda.ts";
import { KF1_CAPS_DOWN, KF1_NUM_DOWN, KF1_SCROLL_DOWN, KF3_RALT, KF3_RCTRL } from "./bda.ts";
import { type Bda, setCarry, setZero } from "./access.ts";
import type { BiosCpu } from "./host.ts";
import type { KeyBuffer } from "./key_buffer.ts";
import { ENHANCED_ONLY, GREY_KEY } from "./keymap.ts";

/** What INT 16h AH=00h/01h make of a stored word: the word to return, or −1 to drop it. */
export function legacyKey(key: number): number {
  const scan = key >>> 8;
  const ch = key & 0xFF;
  if (scan === GREY_KEY) return ((ch === 0x0D || ch === 0x0A ? 0x1C : 0x35) << 8) | ch;
  if (scan > 0x84 || (ch === ENHANCED_ONLY && scan !== 0)) return -1;
  if (ch === GREY_KEY && scan !== 0) return scan << 8;
  return key;
}

/** What INT 16h AH=10h/11h make of a stored word. */
export function extendedKey(key: number): number {
  if ((key & 0xFF) === ENHANCED_ONLY && key >>> 8 !== 0) return key & 0xFF00;
  return key;
}

/** The keyboard BIOS. */
export class KeyboardService {
  constructor(private readonly cpu: BiosCpu, private readonly bda: Bda, private readonly buffer: KeyBuffer) {}

  /** Next key for the legacy or extended functions, dropping keys the legacy ones cannot return. */
  private next(extended: boolean, remove: boolean): number {
    for (;;) {
      const raw = this.buffer.peek();
      if (raw < 0) return -1;
      const key = extended ? extendedKey(raw) : legacyKey(raw);
      if (key < 0) {
        this.buffer.shift();
        continue;
      }
      if (remove) this.buffer.shift();
      return key;
    }
  }

  handle(): void {
    const r8 = this.cpu.regs8;
    const regs = this.cpu.regs;
    const fn = r8[AH];
    setCarry(this.cpu, false);
    switch (fn) {
      case 0x00:
      case 0x10: {
        const key = this.next(fn === 0x10, true);
        if (key < 0) {
          setCarry(this.cpu, true); // wait: the stub halts until an interrupt, then asks again
          return;
        }
        regs[AX] = key;
        return;
      }
      case 0x01:
      case 0x11: {
        const key = this.next(fn === 0x11, false);
        setZero(this.cpu, key < 0);
        if (key >= 0) regs[AX] = key;
        return;
      }
      case 0x02:
        r8[AL] = this.bda.get8(BDA_KBD_FLAGS0);
        return;
      case 0x12: {
        const f1 = this.bda.get8(BDA_KBD_FLAGS1);
        const f3 = this.bda.get8(BDA_KBD_FLAGS3);
        let hi = 0;
        if ((f1 & KF1_LCTRL) !== 0) hi |= 0x01;
        if ((f1 & KF1_LALT) !== 0) hi |= 0x02;
        if ((f3 & KF3_RCTRL) !== 0) hi |= 0x04;
        if ((f3 & KF3_RALT) !== 0) hi |= 0x08;
        if ((f1 & KF1_SCROLL_DOWN) !== 0) hi |= 0x10;
        if ((f1 & KF1_NUM_DOWN) !== 0) hi |= 0x20;
        if ((f1 & KF1_CAPS_DOWN) !== 0) hi |= 0x40;
        if ((f1 & KF1_SYSREQ) !== 0) hi |= 0x80;
        r8[AL] = this.bda.get8(BDA_KBD_FLAGS0);
        r8[AH] = hi;
        return;
      }
      case 0x03: // typematic rate: accepted, the host sets repeat
        return;
      case 0x05:
        r8[AL] = this.buffer.push(regs[CX]) ? 0 : 1;
        return;
      case 0x0A:
        regs[BX] = 0x41AB; // MF2 keyboard
        return;
      default:
        return;
    }
  }
}
