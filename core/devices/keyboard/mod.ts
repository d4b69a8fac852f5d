/** The 8042 keyboard controller and its keyboard. */
export {
  DEFAULT_BYTE_DELAY_SECONDS,
  KeyboardController8042,
  type KeyboardControllerOptions,
} from "./keyboard_controller.ts";
export { CommandByte, OutputPort, Status } from "./controller_registers.ts";
export { KEY_BUFFER_BYTES, KeyboardReply, Ps2Keyboard } from "./keyboard.ts";
export { PAUSE_CODE } from "./scancodes.ts";
