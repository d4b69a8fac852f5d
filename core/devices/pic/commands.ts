/**
 * Port-level behaviour of one 8259A: the ICW1–ICW4 sequence, OCW1–OCW3, register reads,
 * the interrupt acknowledge and the IR input lines.
 */

import { InitStep, type PicChipState } from "./chip_state.ts";
import { highestInService, pendingRequest } from "./priority.ts";

/** A write to the even port (A0 = 0): ICW1, OCW2 or OCW3. */
export function writeCommand(chip: PicChipState, value: number): void {
  if ((value & 0x10) !== 0) {
    initialise(chip, value);
  } else if ((value & 0x08) === 0) {
    operationCommand2(chip, value);
  } else {
    operationCommand3(chip, value);
  }
}

/** A write to the odd port (A0 = 1): ICW2–ICW4 during initialisation, else OCW1 (the mask). */
export function writeData(chip: PicChipState, value: number): void {
  switch (chip.initStep) {
    case InitStep.ExpectIcw2:
      chip.vectorBase = value & 0xF8; // 8086 mode: the chip supplies the low three bits
      chip.initStep = chip.single ? nextAfterIcw3(chip) : InitStep.ExpectIcw3;
      return;
    case InitStep.ExpectIcw3:
      chip.cascade = value;
      chip.initStep = nextAfterIcw3(chip);
      return;
    case InitStep.ExpectIcw4:
      // µPM (bit 0) is assumed set: this is an x86 machine. BUF and M/S (bits 2–3) only
      // matter for the electrical buffer wiring, which the AT hardwires.
      chip.autoEoi = (value & 0x02) !== 0;
      chip.specialFullyNested = (value & 0x10) !== 0;
      chip.initStep = InitStep.Ready;
      return;
    default:
      chip.imr = value;
  }
}

/** A read of the even port: poll word, ISR or IRR as selected by OCW3. */
export function readCommand(chip: PicChipState): number {
  if (chip.pollPending) {
    chip.pollPending = false;
    const level = pendingRequest(chip);
    if (level < 0) return 0x00;
    acceptRequest(chip, level);
    return 0x80 | level;
  }
  return chip.readIsr ? chip.isr : chip.irr;
}

/** A read of the odd port: the mask. */
export function readData(chip: PicChipState): number {
  return chip.imr;
}

/**
 * The chip's part of an INTA cycle: the level it answers with. When the request has
 * vanished since INTR was raised the chip answers IR7 without setting its ISR bit
 * (the "default IR7" of the datasheet, i.e. a spurious interrupt).
 */
export function acknowledgeLevel(chip: PicChipState): number {
  const level = pendingRequest(chip);
  if (level < 0) return 7;
  acceptRequest(chip, level);
  return level;
}

/** Drives IR input `level` high or low. */
export function setLine(chip: PicChipState, level: number, high: boolean): void {
  const bit = 1 << level;
  const wasHigh = (chip.lines & bit) !== 0;
  if (high === wasHigh) return;
  if (high) {
    chip.lines |= bit;
    // Edge mode latches on the rising edge; level mode follows the line.
    chip.irr |= bit;
  } else {
    chip.lines &= ~bit;
    // Edge mode: the request stays latched until acknowledged, so a device may pulse
    // its line (raise then lower at once). Level mode: the request goes with the line.
    if (chip.levelTriggered) chip.irr &= ~bit;
  }
}

function initialise(chip: PicChipState, icw1: number): void {
  chip.levelTriggered = (icw1 & 0x08) !== 0;
  chip.single = (icw1 & 0x02) !== 0;
  chip.expectsIcw4 = (icw1 & 0x01) !== 0;
  // ICW1 resets the edge sense circuit, mask, priorities, special mask and read select;
  // without IC4 every ICW4 function is zero.
  chip.irr = chip.levelTriggered ? chip.lines : 0;
  chip.isr = 0;
  chip.imr = 0;
  chip.lowestPriority = 7;
  chip.specialMask = false;
  chip.readIsr = false;
  chip.pollPending = false;
  chip.rotateOnAutoEoi = false;
  chip.autoEoi = false;
  chip.specialFullyNested = false;
  chip.cascade = 0;
  chip.initStep = InitStep.ExpectIcw2;
}

function nextAfterIcw3(chip: PicChipState): number {
  return chip.expectsIcw4 ? InitStep.ExpectIcw4 : InitStep.Ready;
}

/** OCW2: R, SL, EOI in bits 7–5 and an IR level in bits 2–0. */
function operationCommand2(chip: PicChipState, value: number): void {
  const level = value & 7;
  switch (value >> 5) {
    case 0b001: // non-specific EOI
      endHighest(chip, false);
      return;
    case 0b011: // specific EOI
      chip.isr &= ~(1 << level);
      return;
    case 0b101: // rotate on non-specific EOI
      endHighest(chip, true);
      return;
    case 0b100: // set rotate in automatic EOI mode
      chip.rotateOnAutoEoi = true;
      return;
    case 0b000: // clear rotate in automatic EOI mode
      chip.rotateOnAutoEoi = false;
      return;
    case 0b111: // rotate on specific EOI
      chip.isr &= ~(1 << level);
      chip.lowestPriority = level;
      return;
    case 0b110: // set priority: `level` becomes the lowest
      chip.lowestPriority = level;
      return;
    default: // 0b010: no operation
  }
}

/** OCW3: special mask (bits 6–5), poll (bit 2), register read select (bits 1–0). */
function operationCommand3(chip: PicChipState, value: number): void {
  if ((value & 0x40) !== 0) chip.specialMask = (value & 0x20) !== 0;
  chip.pollPending = (value & 0x04) !== 0;
  if ((value & 0x02) !== 0) chip.readIsr = (value & 0x01) !== 0;
}

function endHighest(chip: PicChipState, rotate: boolean): void {
  const level = highestInService(chip);
  if (level < 0) return;
  chip.isr &= ~(1 << level);
  if (rotate) chip.lowestPriority = level;
}

/** Moves `level` from request to service (what the first INTA pulse or a poll does). */
function acceptRequest(chip: PicChipState, level: number): void {
  const bit = 1 << level;
  if (!chip.levelTriggered) chip.irr &= ~bit;
  if (chip.autoEoi) {
    if (chip.rotateOnAutoEoi) chip.lowestPriority = level;
  } else {
    chip.isr |= bit;
  }
}
