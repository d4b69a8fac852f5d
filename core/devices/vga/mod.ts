/** The VGA device: import from here. */
export { CURSOR_BLINK_FRAMES, TEXT_BLINK_FRAMES, Vga } from "./vga.ts";
export { VGA_PORT_RANGES, VGA_PORTS } from "./io.ts";
export { type ModeInfo, MODES } from "./modes.ts";
export { VRAM_SIZE } from "./memory.ts";
