/**
 * Offsets inside the BIOS ROM segment (F000h). The fixed ones are the
 * IBM-compatible entry points and tables that software calls or reads
 * directly; the rest are this BIOS's own placement.
 */

/** Segment of the BIOS ROM. */
export const ROM_SEGMENT = 0xF000;
/** Linear base of the BIOS ROM. */
export const ROM_BASE = 0xF0000;
/** Size of the BIOS ROM. */
export const ROM_SIZE = 0x10000;

// Fonts and tables in the free low part of the segment.
export const ROM_FONT_8X16 = 0x0000; // 256 × 16 bytes
export const ROM_FONT_8X14 = 0x1000; // 256 × 14 bytes
export const ROM_FONT_ALT_EMPTY = 0x1E00; // an empty alternate-glyph table (just its 00h terminator)
export const ROM_FONT_8X8 = 0x2000; // 256 × 8 bytes
export const ROM_FONT_8X8_UPPER = ROM_FONT_8X8 + 0x400; // chars 80h–FFh (INT 1Fh)
export const ROM_FUNCTIONALITY_TABLE = 0x2800; // INT 10h AH=1Bh static functionality table
// Stubs without a fixed IBM address.
export const ROM_INT19_BODY = 0x8000;
export const ROM_INT18 = 0x8040;
export const ROM_INT70 = 0x8060;
export const ROM_INT71 = 0x8080;

// IBM-compatible fixed addresses.
export const ROM_POST = 0xE05B;
export const ROM_NMI = 0xE2C3;
export const ROM_HD0_PARAMS = 0xE401; // INT 41h
export const ROM_HD1_PARAMS = 0xE411; // INT 46h
export const ROM_INT19 = 0xE6F2;
export const ROM_CONFIG_TABLE = 0xE6F5; // INT 15h AH=C0h
export const ROM_BAUD_TABLE = 0xE729;
export const ROM_INT14 = 0xE739;
export const ROM_INT16 = 0xE82E;
export const ROM_INT09 = 0xE987;
export const ROM_INT13 = 0xEC59;
export const ROM_INT0E = 0xEF57;
export const ROM_DISKETTE_PARAMS = 0xEFC7; // INT 1Eh
export const ROM_INT17 = 0xEFD2;
export const ROM_INT10 = 0xF065;
export const ROM_VIDEO_PARAMS = 0xF0A4; // INT 1Dh
export const ROM_INT12 = 0xF841;
export const ROM_INT11 = 0xF84D;
export const ROM_INT15 = 0xF859;
export const ROM_FONT_8X8_LOWER = 0xFA6E; // chars 00h–7Fh, the CGA graphics font location
export const ROM_INT1A = 0xFE6E;
export const ROM_INT08 = 0xFEA5;
export const ROM_VECTOR_TABLE = 0xFEF3; // handler offsets for vectors 08h–1Fh
export const ROM_UNEXPECTED_IRQ = 0xFF23;
export const ROM_DUMMY_IRET = 0xFF53;
export const ROM_INT05 = 0xFF54;
export const ROM_RESET = 0xFFF0;
export const ROM_DATE = 0xFFF5;
export const ROM_MODEL = 0xFFFE;

/** The model byte at F000:FFFE: FCh = PC/AT class. */
export const MODEL_AT = 0xFC;
/** Submodel reported by INT 15h AH=C0h. */
export const SUBMODEL = 0x01;
