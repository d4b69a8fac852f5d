/**
 * Bit layouts of the 8042's status register, command byte and output port.
 */

/** Status register (read at 64h). */
export const Status = {
  /** Output buffer full: a byte waits at 60h. */
  OutputFull: 0x01,
  /** Input buffer full: always clear, writes are processed at once. */
  InputFull: 0x02,
  /** System flag (command byte bit 2). */
  SystemFlag: 0x04,
  /** The last write went to 64h (a command) rather than 60h (data). */
  LastWasCommand: 0x08,
  /** Keylock switch: set means not inhibited. */
  NotInhibited: 0x10,
} as const;

/** Command byte (controller RAM byte 0). */
export const CommandByte = {
  /** IRQ1 when a keyboard byte is in the output buffer. */
  KeyboardInterrupt: 0x01,
  AuxInterrupt: 0x02,
  SystemFlag: 0x04,
  IgnoreKeylock: 0x08,
  /** Keyboard interface disabled (clock held low). */
  KeyboardDisabled: 0x10,
  AuxDisabled: 0x20,
  /** Translate keyboard set 2 to set 1. */
  Translate: 0x40,
} as const;

/** Output port (D0h/D1h). */
export const OutputPort = {
  /** Low resets the CPU. */
  ResetHigh: 0x01,
  /** The A20 gate. */
  A20: 0x02,
} as const;

/** The command byte POST leaves: IRQ1 on, system flag set, translation on. */
export const POST_COMMAND_BYTE = 0x45;

/** Output port at power-on: not in reset, A20 off, keyboard clock/data high. */
export const POWER_ON_OUTPUT_PORT = 0xDD;
