/**
 * The small interfaces between interrupt sources, the interrupt controller and the CPU.
 */

/** What devices use to raise and lower their IRQ line (edge-triggered on the AT PIC). */
export interface IrqLines {
  raiseIrq(irq: number): void;
  lowerIrq(irq: number): void;
}

/** What the CPU sees of the interrupt controller. */
export interface InterruptController {
  /** The INTA cycle: returns the vector of the highest-priority pending request and marks it in service. */
  acknowledge(): number;
}

/** What the interrupt controller drives on the CPU: the INTR pin. */
export interface InterruptPin {
  setIntr(asserted: boolean): void;
}
