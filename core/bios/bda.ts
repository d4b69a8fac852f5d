/**
 * BIOS data area (segment 0040h) field offsets, as documented in the IBM PC/AT
 * Technical Reference. Linear address of a field = {@link BDA_BASE} + offset.
 */

/** Linear address of the BIOS data area (0040:0000). */
export const BDA_BASE = 0x400;
/** Segment of the BIOS data area. */
export const BDA_SEGMENT = 0x40;

// Hardware inventory.
export const BDA_COM_PORTS = 0x00; // 4 words
export const BDA_LPT_PORTS = 0x08; // 3 words
export const BDA_EQUIPMENT = 0x10; // word
export const BDA_MEMORY_KIB = 0x13; // word

// Keyboard.
export const BDA_KBD_FLAGS0 = 0x17; // shift/toggle states
export const BDA_KBD_FLAGS1 = 0x18; // keys held, pause
export const BDA_KBD_ALT_NUMPAD = 0x19; // Alt+keypad accumulator
export const BDA_KBD_HEAD = 0x1A; // word: offset in segment 40h
export const BDA_KBD_TAIL = 0x1C; // word
export const BDA_KBD_BUFFER = 0x1E; // default ring 1Eh–3Dh
export const BDA_KBD_BUFFER_END = 0x3E;

// Diskette.
export const BDA_FLOPPY_RECAL = 0x3E;
export const BDA_FLOPPY_MOTOR = 0x3F;
export const BDA_FLOPPY_MOTOR_COUNT = 0x40;
export const BDA_FLOPPY_STATUS = 0x41;
export const BDA_FLOPPY_CONTROLLER = 0x42; // 7 bytes of FDC result

// Video.
export const BDA_VIDEO_MODE = 0x49;
export const BDA_VIDEO_COLUMNS = 0x4A; // word
export const BDA_VIDEO_PAGE_SIZE = 0x4C; // word
export const BDA_VIDEO_PAGE_OFFSET = 0x4E; // word
export const BDA_CURSOR_POS = 0x50; // 8 words: low = column, high = row
export const BDA_CURSOR_SHAPE = 0x60; // word: low = end line, high = start line
export const BDA_ACTIVE_PAGE = 0x62;
export const BDA_CRTC_BASE = 0x63; // word
export const BDA_MODE_CONTROL = 0x65; // CGA 3x8 register value
export const BDA_CGA_PALETTE = 0x66; // CGA 3x9 register value

// System.
export const BDA_RESET_FLAG = 0x72; // word: 1234h = warm boot
export const BDA_HD_STATUS = 0x74;
export const BDA_HD_COUNT = 0x75;
export const BDA_TIMER_TICKS = 0x6C; // dword
export const BDA_TIMER_MIDNIGHT = 0x70;
export const BDA_BREAK_FLAG = 0x71; // bit 7: Ctrl-Break seen
export const BDA_UNEXPECTED_IRQ = 0x6B; // last spurious/unexpected IRQ (in-service bits)
export const BDA_KBD_BUFFER_START = 0x80; // word
export const BDA_KBD_BUFFER_STOP = 0x82; // word (one past the last byte)

// EGA/VGA.
export const BDA_VIDEO_ROWS = 0x84; // rows − 1
export const BDA_CHAR_HEIGHT = 0x85; // word
export const BDA_EGA_MISC = 0x87; // bit 7: last mode set kept memory; bit 0: cursor emulation off
export const BDA_EGA_SWITCHES = 0x88;
export const BDA_VGA_FLAGS = 0x89;
export const BDA_VGA_DCC_INDEX = 0x8A;

// AT diskette media state.
export const BDA_FLOPPY_MEDIA = 0x90; // 2 bytes, drives 0 and 1
export const BDA_FLOPPY_TRACK = 0x94; // 2 bytes, current cylinder

// AT keyboard.
export const BDA_KBD_FLAGS3 = 0x96; // E0/E1 prefix, right Ctrl/Alt, 101-key present
export const BDA_KBD_FLAGS2 = 0x97; // LEDs

// AT wait (INT 15h AH=86h).
export const BDA_WAIT_FLAG_PTR = 0x98; // dword
export const BDA_WAIT_COUNT = 0x9C; // dword, microseconds
export const BDA_WAIT_ACTIVE = 0xA0;

// Flag bits of BDA_KBD_FLAGS0 (0040:0017).
export const KF0_RSHIFT = 0x01;
export const KF0_LSHIFT = 0x02;
export const KF0_CTRL = 0x04;
export const KF0_ALT = 0x08;
export const KF0_SCROLL = 0x10;
export const KF0_NUM = 0x20;
export const KF0_CAPS = 0x40;
export const KF0_INSERT = 0x80;

// Flag bits of BDA_KBD_FLAGS1 (0040:0018).
export const KF1_LCTRL = 0x01;
export const KF1_LALT = 0x02;
export const KF1_SYSREQ = 0x04;
export const KF1_PAUSE = 0x08;
export const KF1_SCROLL_DOWN = 0x10;
export const KF1_NUM_DOWN = 0x20;
export const KF1_CAPS_DOWN = 0x40;
export const KF1_INSERT_DOWN = 0x80;

// Flag bits of BDA_KBD_FLAGS3 (0040:0096).
export const KF3_E1 = 0x01;
export const KF3_E0 = 0x02;
export const KF3_RCTRL = 0x04;
export const KF3_RALT = 0x08;
export const KF3_ENHANCED = 0x10;

/** Linear address of a BIOS data area field. */
export function bda(offset: number): number {
  return BDA_BASE + offset;
}
