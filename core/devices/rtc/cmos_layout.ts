/**
 * The AT's use of the MC146818's 128 bytes: clock registers 00h–0Dh, then battery-backed
 * configuration the BIOS reads at POST.
 */

/** Register and CMOS byte indices. */
export const Cmos = {
  Seconds: 0x00,
  SecondsAlarm: 0x01,
  Minutes: 0x02,
  MinutesAlarm: 0x03,
  Hours: 0x04,
  HoursAlarm: 0x05,
  DayOfWeek: 0x06,
  DayOfMonth: 0x07,
  Month: 0x08,
  Year: 0x09,
  StatusA: 0x0A,
  StatusB: 0x0B,
  StatusC: 0x0C,
  StatusD: 0x0D,
  /** POST diagnostic status. */
  Diagnostics: 0x0E,
  /** Shutdown status (why the CPU was reset). */
  Shutdown: 0x0F,
  /** Floppy drive types: drive A in the high nibble, drive B in the low nibble. */
  FloppyTypes: 0x10,
  /** Hard disk types: drive C in the high nibble, D in the low (Fh: see 19h/1Ah). */
  HardDiskTypes: 0x12,
  /** Equipment byte: bit 0 floppies present, bit 1 FPU, bits 4–5 display, bits 6–7 floppies − 1. */
  Equipment: 0x14,
  /** Base memory in KiB, low and high byte. */
  BaseMemoryLow: 0x15,
  BaseMemoryHigh: 0x16,
  /** Extended memory in KiB, low and high byte. */
  ExtendedMemoryLow: 0x17,
  ExtendedMemoryHigh: 0x18,
  HardDisk0Type: 0x19,
  HardDisk1Type: 0x1A,
  /** Checksum of 10h–2Dh, big-endian: high byte at 2Eh, low at 2Fh. */
  ChecksumHigh: 0x2E,
  ChecksumLow: 0x2F,
  /** Century in BCD (the chip does not advance it). */
  Century: 0x32,
} as const;

/** Floppy type codes for {@link Cmos.FloppyTypes}. */
export const CmosFloppyType = {
  None: 0,
  K360: 1,
  M1_2: 2,
  K720: 3,
  M1_44: 4,
  M2_88: 5,
} as const;

/** First and last byte covered by the checksum. */
export const CHECKSUM_FIRST = 0x10;
export const CHECKSUM_LAST = 0x2D;

/** The AT's usual settings: 32.768 kHz time base, 1024 Hz periodic rate. */
export const DEFAULT_STATUS_A = 0x26;
/** 24-hour mode, BCD, no interrupts. */
export const DEFAULT_STATUS_B = 0x02;
