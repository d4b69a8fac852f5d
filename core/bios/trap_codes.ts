/**
 * Codes of the `F1 nn` traps in the ROM stubs: each hands control to one
 * TypeScript service. Shared by the ROM builder and the dispatcher.
 */
export const TRAP_POST = 0x01;
export const TRAP_TIMER = 0x08;
export const TRAP_KEYBOARD = 0x09;
export const TRAP_PAUSE_CHECK = 0x0A;
export const TRAP_UNEXPECTED_IRQ = 0x0F;
export const TRAP_VIDEO = 0x10;
export const TRAP_DISK = 0x13;
export const TRAP_SERIAL = 0x14;
export const TRAP_SYSTEM = 0x15;
export const TRAP_KEYBOARD_SERVICE = 0x16;
export const TRAP_PRINTER = 0x17;
export const TRAP_NO_BOOT = 0x18;
export const TRAP_BOOT = 0x19;
export const TRAP_TIME = 0x1A;
export const TRAP_RTC_IRQ = 0x70;
export const TRAP_WAIT_BEGIN = 0x85;
export const TRAP_WAIT_CHECK = 0x86;
