/**
 * Priority resolution of one 8259A: which request would the chip present next,
 * and which in-service level an EOI ends.
 */

import { InitStep, type PicChipState } from "./chip_state.ts";

/**
 * The IR the chip would present to the CPU now, or -1.
 *
 * Fully nested mode: scanning from the highest priority, an in-service level blocks
 * itself and everything below. Special fully nested mode lets a slave input through
 * its own in-service bit (a higher request inside that slave). Special mask mode:
 * an in-service level blocks only itself.
 */
export function pendingRequest(chip: PicChipState): number {
  if (chip.initStep !== InitStep.Ready) return -1;
  const requests = chip.irr & ~chip.imr;
  if (requests === 0) return -1;
  const nestedSlaves = chip.specialFullyNested ? chip.cascade : 0;
  for (let p = 0; p < 8; p++) {
    const level = (chip.lowestPriority + 1 + p) & 7;
    const bit = 1 << level;
    const inService = (chip.isr & bit) !== 0;
    if (chip.specialMask) {
      if (!inService && (requests & bit) !== 0) return level;
      continue;
    }
    if (inService) return (requests & bit & nestedSlaves) !== 0 ? level : -1;
    if ((requests & bit) !== 0) return level;
  }
  return -1;
}

/** The in-service level with the highest priority (what a non-specific EOI ends), or -1. */
export function highestInService(chip: PicChipState): number {
  if (chip.isr === 0) return -1;
  for (let p = 0; p < 8; p++) {
    const level = (chip.lowestPriority + 1 + p) & 7;
    if ((chip.isr & (1 << level)) !== 0) return level;
  }
  return -1;
}
