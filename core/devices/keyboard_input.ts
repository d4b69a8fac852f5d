/**
 * Where host key events enter the machine: PC scancode set 1.
 *
 * `code` is a set-1 make code (0x01–0x58). Extended keys carry their E0 prefix
 * in the high byte: right Ctrl is 0xE01D, Up is 0xE048. Pause is 0xE11D45.
 * The keyboard controller produces break codes (make | 0x80) itself.
 */
export interface KeyboardInput {
  keyEvent(code: number, pressed: boolean): void;
}
