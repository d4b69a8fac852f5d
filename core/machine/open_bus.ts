/**
 * Address ranges with nothing behind them (RAM above the configured size,
 * the empty option-ROM area): reads float high (FFh) and writes vanish, as on
 * an ISA bus.
 */
import type { MmioHandler } from "../memory/paged_memory.ts";

/** Serves unpopulated address space. */
export class OpenBus implements MmioHandler {
  mmioRead8(_addr: number): number {
    return 0xFF;
  }

  mmioWrite8(_addr: number, _value: number): void {}
}
