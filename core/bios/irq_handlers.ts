/**
 * Hardware interrupt work done in TypeScript for the ROM's IRQ stubs:
 * IRQ0 (tick count, diskette motor, beep), IRQ1 (scancode → keystroke, shift
 * states, special keys), unexpected IRQs (mask and acknowledge) and the RTC.
 * The stubs do the guest-visible parts: INT 1Ch, INT 15h/4Fh, INT 1Bh, EOI.
 */
import { AH, AL } from "../cpu/registers.ts";
import type { IoBus } from "../io/io_bus.ts";
import * as B from "./bda.ts";
import { type Bda, setCarry } from "./access.ts";
import type { BiosCpu } from "./host.ts";
import type { KeyBuffer } from "./key_buffer.ts";
import { keypadDigit, translateKey } from "./keymap.ts";
import type { Speaker } from "./speaker.ts";

/** Ticks in a day: the count wraps to 0 at 1800B0h and sets the midnight flag. */
export const TICKS_PER_DAY = 0x1800B0;

/** Actions the IRQ1 stub performs after its EOI (returned in AH). */
export const KeyAction = { none: 0, ctrlBreak: 1, printScreen: 2, pause: 3, reboot: 4 } as const;

const FDC_DOR = 0x3F2;
const PIC1 = 0x20;
const PIC2 = 0xA0;
const CMOS_INDEX = 0x70;
const CMOS_DATA = 0x71;

/** IRQ0: INT 08h's work. */
export function timerTick(bda: Bda, io: IoBus, speaker: Speaker): void {
  let ticks = bda.get32(B.BDA_TIMER_TICKS) + 1;
  if (ticks >= TICKS_PER_DAY) {
    ticks = 0;
    bda.set8(B.BDA_TIMER_MIDNIGHT, 1);
  }
  bda.set32(B.BDA_TIMER_TICKS, ticks);
  const motor = bda.get8(B.BDA_FLOPPY_MOTOR_COUNT);
  if (motor > 0) {
    bda.set8(B.BDA_FLOPPY_MOTOR_COUNT, motor - 1);
    if (motor === 1) {
      bda.set8(B.BDA_FLOPPY_MOTOR, bda.get8(B.BDA_FLOPPY_MOTOR) & 0xF0);
      io.out8(FDC_DOR, 0x0C); // all motors off, controller enabled
    }
  }
  speaker.tick();
}

/** IRQs nobody claimed: mask the line and acknowledge it, noting it at 40:6B (AT behaviour). */
export function unexpectedIrq(bda: Bda, io: IoBus): void {
  io.out8(PIC1, 0x0B); // OCW3: read in-service register
  const master = io.in8(PIC1);
  if (master === 0) {
    bda.set8(B.BDA_UNEXPECTED_IRQ, 0xFF); // spurious: nothing in service
    return;
  }
  if ((master & 0x04) !== 0) {
    io.out8(PIC2, 0x0B);
    const slave = io.in8(PIC2);
    if (slave !== 0) {
      io.out8(PIC2 + 1, io.in8(PIC2 + 1) | slave);
      io.out8(PIC2, 0x20);
    }
  } else {
    io.out8(PIC1 + 1, io.in8(PIC1 + 1) | master);
  }
  io.out8(PIC1, 0x20);
  bda.set8(B.BDA_UNEXPECTED_IRQ, master);
}

/** IRQ8: reads RTC register C (which acknowledges it); CF = the alarm fired (the stub calls INT 4Ah). */
export function rtcIrq(cpu: BiosCpu, io: IoBus): void {
  io.out8(CMOS_INDEX, 0x0C);
  const flags = io.in8(CMOS_DATA);
  setCarry(cpu, (flags & 0x20) !== 0);
}

/** IRQ1: translates one scancode (AL) into buffer keystrokes and shift states; AH = action. */
export class KeyboardIrq {
  constructor(
    private readonly cpu: BiosCpu,
    private readonly bda: Bda,
    private readonly buffer: KeyBuffer,
    private readonly speaker: Speaker,
  ) {}

  handle(): void {
    this.cpu.regs8[AH] = this.scancode(this.cpu.regs8[AL]);
  }

  /** CF=1 while the Pause key holds the machine (the stub halts between checks). */
  pauseCheck(): void {
    setCarry(this.cpu, (this.bda.get8(B.BDA_KBD_FLAGS1) & B.KF1_PAUSE) !== 0);
  }

  private toggle(pressed: boolean, downBit: number, stateBit: number): void {
    const bda = this.bda;
    const f1 = bda.get8(B.BDA_KBD_FLAGS1);
    if (pressed) {
      if ((f1 & downBit) === 0) bda.set8(B.BDA_KBD_FLAGS0, bda.get8(B.BDA_KBD_FLAGS0) ^ stateBit);
      bda.set8(B.BDA_KBD_FLAGS1, f1 | downBit);
    } else {
      bda.set8(B.BDA_KBD_FLAGS1, f1 & ~downBit);
    }
  }

  private setBit(offset: number, bit: number, on: boolean): void {
    const v = this.bda.get8(offset);
    this.bda.set8(offset, on ? v | bit : v & ~bit);
  }

  /** Keeps the combined Ctrl/Alt bits of 40:17 equal to left OR right. */
  private syncCombined(): void {
    const f1 = this.bda.get8(B.BDA_KBD_FLAGS1);
    const f3 = this.bda.get8(B.BDA_KBD_FLAGS3);
    this.setBit(B.BDA_KBD_FLAGS0, B.KF0_CTRL, ((f1 & B.KF1_LCTRL) | (f3 & B.KF3_RCTRL)) !== 0);
    this.setBit(B.BDA_KBD_FLAGS0, B.KF0_ALT, ((f1 & B.KF1_LALT) | (f3 & B.KF3_RALT)) !== 0);
  }

  private store(key: number): void {
    if (!this.buffer.push(key)) this.speaker.beep(); // full buffer: beep, as the AT does
  }

  scancode(code: number): number {
    const bda = this.bda;
    if (code === 0x00 || code === 0xFA || code === 0xFE || code === 0xFF || code === 0xEE) {
      return KeyAction.none;
    }
    const f3 = bda.get8(B.BDA_KBD_FLAGS3);
    if (code === 0xE0 || code === 0xE1) {
      bda.set8(B.BDA_KBD_FLAGS3, (f3 & ~(B.KF3_E0 | B.KF3_E1)) | (code === 0xE0 ? B.KF3_E0 : B.KF3_E1));
      return KeyAction.none;
    }
    const e0 = (f3 & B.KF3_E0) !== 0;
    const e1 = (f3 & B.KF3_E1) !== 0;
    bda.set8(B.BDA_KBD_FLAGS3, f3 & ~(B.KF3_E0 | B.KF3_E1));
    const pressed = (code & 0x80) === 0;
    const key = code & 0x7F;
    if (e1) {
      // Pause is E1 1D 45 E1 9D C5: keep the prefix through the Ctrl part, act on 45.
      if (key === 0x1D) {
        this.setBit(B.BDA_KBD_FLAGS3, B.KF3_E1, true);
        return KeyAction.none;
      }
      if (key === 0x45 && pressed) return this.startPause();
      return KeyAction.none;
    }
    const flags0 = bda.get8(B.BDA_KBD_FLAGS0);
    const ctrl = (flags0 & B.KF0_CTRL) !== 0;
    const alt = (flags0 & B.KF0_ALT) !== 0;
    if ((bda.get8(B.BDA_KBD_FLAGS1) & B.KF1_PAUSE) !== 0) {
      // Any key press ends a pause and is otherwise ignored; modifiers still track.
      if (pressed && !isModifier(key)) {
        this.setBit(B.BDA_KBD_FLAGS1, B.KF1_PAUSE, false);
        return KeyAction.none;
      }
    }
    switch (key) {
      case 0x2A:
      case 0x36:
        if (!e0) this.setBit(B.BDA_KBD_FLAGS0, key === 0x2A ? B.KF0_LSHIFT : B.KF0_RSHIFT, pressed);
        return KeyAction.none; // E0 2A / E0 36 are the keyboard's fake shifts
      case 0x1D:
        if (e0) this.setBit(B.BDA_KBD_FLAGS3, B.KF3_RCTRL, pressed);
        else this.setBit(B.BDA_KBD_FLAGS1, B.KF1_LCTRL, pressed);
        this.syncCombined();
        return KeyAction.none;
      case 0x38:
        if (e0) this.setBit(B.BDA_KBD_FLAGS3, B.KF3_RALT, pressed);
        else this.setBit(B.BDA_KBD_FLAGS1, B.KF1_LALT, pressed);
        this.syncCombined();
        if (!pressed && (bda.get8(B.BDA_KBD_FLAGS0) & B.KF0_ALT) === 0) {
          const typed = bda.get8(B.BDA_KBD_ALT_NUMPAD);
          bda.set8(B.BDA_KBD_ALT_NUMPAD, 0);
          if (typed !== 0) this.store(typed);
        }
        return KeyAction.none;
      case 0x3A:
        this.toggle(pressed, B.KF1_CAPS_DOWN, B.KF0_CAPS);
        return KeyAction.none;
      case 0x45:
        if (pressed && ctrl) return this.startPause(); // Ctrl-Num Lock: the 84-key keyboard's Pause
        this.toggle(pressed, B.KF1_NUM_DOWN, B.KF0_NUM);
        return KeyAction.none;
      case 0x46:
        if (ctrl) return pressed ? this.ctrlBreak() : KeyAction.none;
        this.toggle(pressed, B.KF1_SCROLL_DOWN, B.KF0_SCROLL);
        return KeyAction.none;
      case 0x54:
        this.setBit(B.BDA_KBD_FLAGS1, B.KF1_SYSREQ, pressed);
        return KeyAction.none;
    }
    if (!pressed) {
      if (key === 0x52) this.setBit(B.BDA_KBD_FLAGS1, B.KF1_INSERT_DOWN, false);
      return KeyAction.none;
    }
    if (key === 0x53 && ctrl && alt) {
      bda.set16(B.BDA_RESET_FLAG, 0x1234);
      return KeyAction.reboot;
    }
    if (key === 0x37 && (e0 ? !ctrl : (flags0 & (B.KF0_LSHIFT | B.KF0_RSHIFT)) !== 0 && !ctrl && !alt)) {
      return KeyAction.printScreen;
    }
    if (alt && !e0 && !ctrl) {
      const digit = keypadDigit(key);
      if (digit >= 0) {
        bda.set8(B.BDA_KBD_ALT_NUMPAD, bda.get8(B.BDA_KBD_ALT_NUMPAD) * 10 + digit);
        return KeyAction.none;
      }
    }
    if (key === 0x52 && !alt && !ctrl) {
      const digits = !e0 && ((flags0 & B.KF0_NUM) !== 0) !== ((flags0 & (B.KF0_LSHIFT | B.KF0_RSHIFT)) !== 0);
      if (!digits) this.toggle(true, B.KF1_INSERT_DOWN, B.KF0_INSERT);
    }
    const word = translateKey(key, e0, bda.get8(B.BDA_KBD_FLAGS0));
    if (word >= 0) this.store(word);
    return KeyAction.none;
  }

  private startPause(): number {
    this.setBit(B.BDA_KBD_FLAGS1, B.KF1_PAUSE, true);
    return KeyAction.pause;
  }

  private ctrlBreak(): number {
    this.buffer.clear();
    this.bda.set8(B.BDA_BREAK_FLAG, 0x80);
    this.buffer.push(0x0000);
    return KeyAction.ctrlBreak;
  }
}

function isModifier(key: number): boolean {
  return key === 0x1D || key === 0x2A || key === 0x36 || key === 0x38 || key === 0x3A || key === 0x45 ||
    key === 0x46;
}
