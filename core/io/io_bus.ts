/**
 * The I/O port space (64 Ki ports). Devices register the ports they decode;
 * reads from unclaimed ports return all ones, as on an ISA bus.
 *
 * @example
 * ```ts
 * const io = new IoBus();
 * io.register([0x60, 0x64], keyboardController);
 * io.out8(0x64, 0xAA);
 * ```
 */

/** A device that answers port reads and writes. 16-bit accesses default to two 8-bit ones. */
export interface IoDevice {
  in8(port: number): number;
  out8(port: number, value: number): void;
  in16?(port: number): number;
  out16?(port: number, value: number): void;
}

export class IoBus {
  private readonly devices: (IoDevice | null)[] = new Array<IoDevice | null>(0x10000).fill(null);

  /** Claims each listed port, or each port of an inclusive [first, last] range given as a tuple. */
  register(ports: readonly number[], device: IoDevice): void {
    for (const p of ports) this.devices[p & 0xFFFF] = device;
  }

  registerRange(first: number, last: number, device: IoDevice): void {
    for (let p = first; p <= last; p++) this.devices[p & 0xFFFF] = device;
  }

  in8(port: number): number {
    const d = this.devices[port & 0xFFFF];
    return d === null ? 0xFF : d.in8(port & 0xFFFF) & 0xFF;
  }

  out8(port: number, value: number): void {
    const d = this.devices[port & 0xFFFF];
    if (d !== null) d.out8(port & 0xFFFF, value & 0xFF);
  }

  in16(port: number): number {
    port &= 0xFFFF;
    const d = this.devices[port];
    if (d !== null && d.in16 !== undefined) return d.in16(port) & 0xFFFF;
    return this.in8(port) | (this.in8(port + 1) << 8);
  }

  out16(port: number, value: number): void {
    port &= 0xFFFF;
    const d = this.devices[port];
    if (d !== null && d.out16 !== undefined) {
      d.out16(port, value & 0xFFFF);
      return;
    }
    this.out8(port, value);
    this.out8(port + 1, value >>> 8);
  }
}
