/**
 * Register file layout shared by the CPU and the high-level BIOS.
 *
 * General registers live in one `Uint16Array(8)` in Intel encoding order, with a
 * `Uint8Array` view over the same buffer for the 8-bit halves (little-endian:
 * AL is byte 0, AH byte 1). Segment registers live in a `Uint16Array(4)`.
 */

// 16-bit general registers, in ModR/M `reg` encoding order.
export const AX = 0;
export const CX = 1;
export const DX = 2;
export const BX = 3;
export const SP = 4;
export const BP = 5;
export const SI = 6;
export const DI = 7;

// Byte offsets of 8-bit registers in the `regs8` view.
export const AL = 0;
export const AH = 1;
export const CL = 2;
export const CH = 3;
export const DL = 4;
export const DH = 5;
export const BL = 6;
export const BH = 7;

/** Maps a ModR/M 8-bit register number (AL CL DL BL AH CH DH BH) to its `regs8` byte offset. */
export const REG8_OFFSET: readonly number[] = [AL, CL, DL, BL, AH, CH, DH, BH];

// Segment registers, in ModR/M `sreg` encoding order.
export const ES = 0;
export const CS = 1;
export const SS = 2;
export const DS = 3;

// FLAGS bits.
export const FLAG_CF = 0x0001;
export const FLAG_PF = 0x0004;
export const FLAG_AF = 0x0010;
export const FLAG_ZF = 0x0040;
export const FLAG_SF = 0x0080;
export const FLAG_TF = 0x0100;
export const FLAG_IF = 0x0200;
export const FLAG_DF = 0x0400;
export const FLAG_OF = 0x0800;

/** The CPU models tty86 emulates. */
export type CpuModel = "8086" | "80186";
