/**
 * The registers and mode bits of one 8259A, with snapshot support.
 */

import type { StateValue } from "../../state.ts";
import { boolField, intField, stateRecord } from "../state_fields.ts";

/** Where the chip is in its ICW1–ICW4 initialisation sequence. */
export const InitStep = {
  /** Power-on: never initialised, delivers no interrupts. */
  Uninitialised: 0,
  /** Initialised; the odd port takes OCW1 (the mask). */
  Ready: 1,
  ExpectIcw2: 2,
  ExpectIcw3: 3,
  ExpectIcw4: 4,
} as const;

/** The full state of one 8259A. */
export class PicChipState {
  /** Interrupt request register: requests latched and not yet acknowledged. */
  irr = 0;
  /** In-service register: acknowledged and not yet ended by an EOI. */
  isr = 0;
  /** Interrupt mask register (OCW1). */
  imr = 0;
  /** Current level of the eight IR input lines (edge detection needs the previous level). */
  lines = 0;
  /** ICW2: vector of IR0; the low three bits are replaced by the IR number. */
  vectorBase = 0;
  initStep: number = InitStep.Uninitialised;
  /** ICW1 LTIM: requests follow the line level instead of latching on a rising edge. */
  levelTriggered = false;
  /** ICW1 SNGL: no cascade, so ICW3 is skipped. */
  single = false;
  /** ICW1 IC4: an ICW4 follows. */
  expectsIcw4 = false;
  /** ICW3: on the master, the inputs wired to slaves; on a slave, its cascade identity. */
  cascade = 0;
  /** ICW4 AEOI: the in-service bit is cleared at the end of the acknowledge. */
  autoEoi = false;
  /** ICW4 SFNM: a slave input is not blocked by its own in-service bit. */
  specialFullyNested = false;
  /** OCW3 RR/RIS: the even port reads the ISR rather than the IRR. */
  readIsr = false;
  /** OCW3 P: the next even-port read is a poll (and acknowledges). */
  pollPending = false;
  /** OCW3 SMM: in-service levels block only themselves. */
  specialMask = false;
  /** The IR with the lowest priority; the one after it has the highest (rotation). */
  lowestPriority = 7;
  /** OCW2 "rotate in automatic EOI mode". */
  rotateOnAutoEoi = false;

  /** Snapshot of every field. */
  save(): StateValue {
    return {
      irr: this.irr,
      isr: this.isr,
      imr: this.imr,
      lines: this.lines,
      vectorBase: this.vectorBase,
      initStep: this.initStep,
      levelTriggered: this.levelTriggered,
      single: this.single,
      expectsIcw4: this.expectsIcw4,
      cascade: this.cascade,
      autoEoi: this.autoEoi,
      specialFullyNested: this.specialFullyNested,
      readIsr: this.readIsr,
      pollPending: this.pollPending,
      specialMask: this.specialMask,
      lowestPriority: this.lowestPriority,
      rotateOnAutoEoi: this.rotateOnAutoEoi,
    };
  }

  /** Replaces every field from a snapshot; throws if malformed. */
  load(value: StateValue, what: string): void {
    const r = stateRecord(value, what);
    this.irr = intField(r, "irr", 0, 0xFF, what);
    this.isr = intField(r, "isr", 0, 0xFF, what);
    this.imr = intField(r, "imr", 0, 0xFF, what);
    this.lines = intField(r, "lines", 0, 0xFF, what);
    this.vectorBase = intField(r, "vectorBase", 0, 0xFF, what);
    this.initStep = intField(r, "initStep", 0, 4, what);
    this.levelTriggered = boolField(r, "levelTriggered", what);
    this.single = boolField(r, "single", what);
    this.expectsIcw4 = boolField(r, "expectsIcw4", what);
    this.cascade = intField(r, "cascade", 0, 0xFF, what);
    this.autoEoi = boolField(r, "autoEoi", what);
    this.specialFullyNested = boolField(r, "specialFullyNested", what);
    this.readIsr = boolField(r, "readIsr", what);
    this.pollPending = boolField(r, "pollPending", what);
    this.specialMask = boolField(r, "specialMask", what);
    this.lowestPriority = intField(r, "lowestPriority", 0, 7, what);
    this.rotateOnAutoEoi = boolField(r, "rotateOnAutoEoi", what);
  }
}
