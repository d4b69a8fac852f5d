/**
 * Small services: INT 14h and INT 17h for a machine with no serial or
 * parallel ports, and the INT 18h "nothing to boot" message.
 */
import { AH, AL } from "../cpu/registers.ts";
import type { BiosCpu } from "./host.ts";
import type { VideoService } from "./int10_video.ts";
import { BDA_ACTIVE_PAGE } from "./bda.ts";
import type { Bda } from "./access.ts";

/** INT 14h: every function times out (AH bit 7), modem status 0. */
export function serialService(cpu: BiosCpu): void {
  const fn = cpu.regs8[AH];
  if (fn > 0x03) return;
  cpu.regs8[AH] = 0x80;
  if (fn === 0x00 || fn === 0x03) cpu.regs8[AL] = 0x00;
}

/** INT 17h: every function reports a time-out (status bit 0). */
export function printerService(cpu: BiosCpu): void {
  if (cpu.regs8[AH] > 0x02) return;
  cpu.regs8[AH] = 0x01;
}

/** The INT 18h message (the AT would start ROM BASIC here). */
export const NO_BOOT_MESSAGE = "\r\nNo bootable disk. Insert a boot disk and press a key to try again.\r\n";

/** INT 18h: prints the message on the active page; the stub then waits for a key and retries INT 19h. */
export function noBootMessage(video: VideoService, bda: Bda): void {
  const page = bda.get8(BDA_ACTIVE_PAGE);
  for (let i = 0; i < NO_BOOT_MESSAGE.length; i++) {
    video.teletype(page, NO_BOOT_MESSAGE.charCodeAt(i), -1, 0x07);
  }
}
