/**
 * One 8254 counter: its registers (count register, latches, status) and its counting
 * behaviour, evaluated analytically at any PIT tick so reads are exact between events.
 *
 * Time is in PIT input clock pulses ("ticks") since power-on. A write between pulses
 * k and k+1 is at tick k; the count register reaches the counting element on pulse k+1.
 * BCD counting is not supported: the BCD bit is kept (status byte) but counting is binary.
 */

import type { StateValue } from "../../state.ts";
import { boolField, intField, numberField, stateRecord } from "../state_fields.ts";

/** RW bits of the control word: how counts are read and written. */
export const Access = { Latch: 0, LowByte: 1, HighByte: 2, LowThenHigh: 3 } as const;

/** The counting element runs from 0 as if it were 65536 (binary counting). */
const FULL = 0x10000;

/** One counter's full state and behaviour. */
export class PitChannel {
  /** Mode bits as written (0–7); 6 and 7 behave as 2 and 3. */
  modeBits = 0;
  access: number = Access.LowThenHigh;
  bcd = false;
  /** Count register: the last complete count written (0 means 65536). */
  countRegister = 0;
  /** LSB-then-MSB writes: the LSB has been written and the MSB is awaited. */
  awaitingHighByte = false;
  pendingLowByte = 0;
  /** LSB-then-MSB reads: the LSB has been read and the MSB comes next. */
  readHighNext = false;
  countLatched = false;
  latchedCount = 0;
  statusLatched = false;
  latchedStatus = 0;
  /** GATE input level. */
  gate = true;
  /** A count is in (or on its way to) the counting element. */
  hasCount = false;
  /** The counting element is decrementing (has a count and the gate allows it). */
  counting = false;
  /** Tick at which the counting element holds `startValue`; it decrements on each later tick. */
  loadTick = 0;
  /** Counting element value at `loadTick` (0 means 65536). */
  startValue = 0;
  /** Counting element value while not counting, or before `loadTick`. */
  heldValue = 0;
  /** OUT while not counting, or before `loadTick`. */
  heldOut = true;
  /** Mode 0: OUT already went high before this counting segment (the gate paused it after). */
  terminalReached = false;
  /** Modes 2/3: a count written while counting, loaded at the end of the current period. */
  reloadPending = false;
  reloadTick = 0;
  reloadValue = 0;
  /** Status NULL COUNT: the count register has not reached the counting element yet... */
  nullCount = true;
  /** ...until this tick (used when the load is scheduled). */
  nullClearTick = -1;

  /** Mode as it behaves (0–5). */
  get mode(): number {
    return this.modeBits >= 6 ? this.modeBits - 4 : this.modeBits;
  }

  /** Control word for this counter (RW ≠ 00): resets the counter's control logic. */
  writeControl(access: number, modeBits: number, bcd: boolean, t: number): void {
    this.settle(t);
    const value = this.valueAt(t);
    this.access = access;
    this.modeBits = modeBits;
    this.bcd = bcd;
    this.awaitingHighByte = false;
    this.readHighNext = false;
    this.countLatched = false;
    this.statusLatched = false;
    this.hasCount = false;
    this.counting = false;
    this.reloadPending = false;
    this.heldValue = value;
    // OUT is low after a mode 0 control word, high in every other mode.
    this.heldOut = this.mode !== 0;
    this.terminalReached = false;
    this.nullCount = true;
    this.nullClearTick = -1;
  }

  /** A byte written to the counter's port. */
  writeCount(byte: number, t: number): void {
    this.settle(t);
    switch (this.access) {
      case Access.LowByte:
        this.loadCountRegister(byte, t);
        return;
      case Access.HighByte:
        this.loadCountRegister(byte << 8, t);
        return;
      default:
        if (!this.awaitingHighByte) {
          this.awaitingHighByte = true;
          this.pendingLowByte = byte;
          // Mode 0: writing the first byte stops counting and drops OUT at once.
          if (this.mode === 0) this.hold(t, false);
          return;
        }
        this.awaitingHighByte = false;
        this.loadCountRegister(this.pendingLowByte | (byte << 8), t);
    }
  }

  /** A read of the counter's port: status latch, then count latch, then the live count. */
  readCount(t: number): number {
    if (this.statusLatched) {
      this.statusLatched = false;
      return this.latchedStatus;
    }
    let value: number;
    if (this.countLatched) {
      value = this.latchedCount;
    } else {
      this.settle(t);
      value = this.valueAt(t);
    }
    let byte: number;
    let done = true;
    switch (this.access) {
      case Access.HighByte:
        byte = value >> 8;
        break;
      case Access.LowThenHigh:
        if (this.readHighNext) {
          byte = value >> 8;
        } else {
          byte = value & 0xFF;
          done = false;
        }
        this.readHighNext = !this.readHighNext;
        break;
      default:
        byte = value & 0xFF;
    }
    if (done) this.countLatched = false;
    return byte;
  }

  /** Counter latch command: freezes the count for reading until it is read out. */
  latchCount(t: number): void {
    if (this.countLatched) return;
    this.settle(t);
    this.countLatched = true;
    this.latchedCount = this.valueAt(t);
  }

  /** Read-back status latch: OUT, NULL COUNT, RW, mode, BCD. */
  latchStatus(t: number): void {
    if (this.statusLatched) return;
    this.settle(t);
    this.statusLatched = true;
    this.latchedStatus = (this.outAt(t) ? 0x80 : 0) | (this.nullCountAt(t) ? 0x40 : 0) |
      (this.access << 4) | (this.modeBits << 1) | (this.bcd ? 1 : 0);
  }

  /** Drives the GATE input. */
  setGate(high: boolean, t: number): void {
    if (high === this.gate) return;
    this.settle(t);
    this.gate = high;
    switch (this.mode) {
      case 0:
      case 4:
        // The gate enables counting; OUT is unaffected.
        if (!high) this.hold(t, this.outAt(t));
        else if (this.hasCount) this.resume(t);
        return;
      case 2:
      case 3:
        // Gate low stops counting and forces OUT high; the rising edge reloads.
        if (!high) this.hold(t, true);
        else if (this.hasCount) this.load(this.countRegister, t + 1, true);
        return;
      default:
        // Modes 1 and 5: the rising edge triggers a load of the count register.
        if (high && this.hasCount) this.load(this.countRegister, t + 1, this.mode !== 1);
    }
  }

  /** Counting element value at tick `t` (0–FFFFh). Call `settle(t)` first. */
  valueAt(t: number): number {
    if (!this.counting || t < this.loadTick) return this.heldValue;
    const e = t - this.loadTick;
    const start = this.startValue === 0 ? FULL : this.startValue;
    switch (this.mode) {
      case 2:
        return (start - (e % start)) & 0xFFFF;
      case 3: {
        const pos = e % start;
        const high = (start + 1) >> 1;
        const inHalf = pos < high ? pos : pos - high;
        return ((start & ~1) - 2 * inHalf) & 0xFFFF;
      }
      default:
        return (((start - e) % FULL) + FULL) & 0xFFFF;
    }
  }

  /** OUT at tick `t`. Call `settle(t)` first. */
  outAt(t: number): boolean {
    if (!this.counting || t < this.loadTick) return this.heldOut;
    const e = t - this.loadTick;
    const start = this.startValue === 0 ? FULL : this.startValue;
    switch (this.mode) {
      case 0:
        return this.terminalReached || e >= start;
      case 1:
        return e >= start;
      case 2:
        return e % start !== start - 1;
      case 3:
        return e % start < ((start + 1) >> 1);
      default:
        return e !== start;
    }
  }

  /** The first tick after `t` at which OUT rises, or -1 if none is scheduled. */
  nextRisingEdge(t: number): number {
    this.settle(t);
    if (this.reloadPending) return this.reloadTick;
    if (!this.counting) return -1;
    const start = this.startValue === 0 ? FULL : this.startValue;
    let edge: number;
    switch (this.mode) {
      case 0:
        if (this.terminalReached) return -1;
        edge = this.loadTick + start;
        break;
      case 1:
        edge = this.loadTick + start;
        break;
      case 2:
      case 3: {
        if (start < 2) return -1; // a count of 1 never toggles OUT
        const periods = t < this.loadTick ? 1 : Math.floor((t - this.loadTick) / start) + 1;
        return this.loadTick + periods * start;
      }
      default:
        edge = this.loadTick + start + 1;
    }
    return edge > t ? edge : -1;
  }

  /** Frequency of OUT in Hz for periodic modes at `inputHz`, or 0. */
  frequency(inputHz: number, t: number): number {
    this.settle(t);
    if (!this.counting || (this.mode !== 2 && this.mode !== 3)) return 0;
    return inputHz / (this.startValue === 0 ? FULL : this.startValue);
  }

  /** Applies a mode 2/3 reload whose period boundary has passed by tick `t`. */
  settle(t: number): void {
    if (this.reloadPending && t >= this.reloadTick) {
      this.reloadPending = false;
      this.loadTick = this.reloadTick;
      this.startValue = this.reloadValue;
    }
  }

  /** NULL COUNT at tick `t`. */
  nullCountAt(t: number): boolean {
    return this.nullCount && (this.nullClearTick < 0 || t < this.nullClearTick);
  }

  saveState(): StateValue {
    return {
      modeBits: this.modeBits,
      access: this.access,
      bcd: this.bcd,
      countRegister: this.countRegister,
      awaitingHighByte: this.awaitingHighByte,
      pendingLowByte: this.pendingLowByte,
      readHighNext: this.readHighNext,
      countLatched: this.countLatched,
      latchedCount: this.latchedCount,
      statusLatched: this.statusLatched,
      latchedStatus: this.latchedStatus,
      gate: this.gate,
      hasCount: this.hasCount,
      counting: this.counting,
      loadTick: this.loadTick,
      startValue: this.startValue,
      heldValue: this.heldValue,
      heldOut: this.heldOut,
      terminalReached: this.terminalReached,
      reloadPending: this.reloadPending,
      reloadTick: this.reloadTick,
      reloadValue: this.reloadValue,
      nullCount: this.nullCount,
      nullClearTick: this.nullClearTick,
    };
  }

  loadState(value: StateValue, what: string): void {
    const r = stateRecord(value, what);
    this.modeBits = intField(r, "modeBits", 0, 7, what);
    this.access = intField(r, "access", 1, 3, what);
    this.bcd = boolField(r, "bcd", what);
    this.countRegister = intField(r, "countRegister", 0, 0xFFFF, what);
    this.awaitingHighByte = boolField(r, "awaitingHighByte", what);
    this.pendingLowByte = intField(r, "pendingLowByte", 0, 0xFF, what);
    this.readHighNext = boolField(r, "readHighNext", what);
    this.countLatched = boolField(r, "countLatched", what);
    this.latchedCount = intField(r, "latchedCount", 0, 0xFFFF, what);
    this.statusLatched = boolField(r, "statusLatched", what);
    this.latchedStatus = intField(r, "latchedStatus", 0, 0xFF, what);
    this.gate = boolField(r, "gate", what);
    this.hasCount = boolField(r, "hasCount", what);
    this.counting = boolField(r, "counting", what);
    this.loadTick = numberField(r, "loadTick", what);
    this.startValue = intField(r, "startValue", 0, 0xFFFF, what);
    this.heldValue = intField(r, "heldValue", 0, 0xFFFF, what);
    this.heldOut = boolField(r, "heldOut", what);
    this.terminalReached = boolField(r, "terminalReached", what);
    this.reloadPending = boolField(r, "reloadPending", what);
    this.reloadTick = numberField(r, "reloadTick", what);
    this.reloadValue = intField(r, "reloadValue", 0, 0xFFFF, what);
    this.nullCount = boolField(r, "nullCount", what);
    this.nullClearTick = numberField(r, "nullClearTick", what);
  }

  /** A complete count written: when it reaches the counting element depends on the mode. */
  private loadCountRegister(value: number, t: number): void {
    this.countRegister = value;
    const firstCount = !this.hasCount;
    this.hasCount = true;
    this.nullCount = true;
    this.nullClearTick = -1;
    switch (this.mode) {
      case 0:
        this.terminalReached = false;
        this.load(value, t + 1, false);
        return;
      case 4:
        this.load(value, t + 1, true);
        return;
      case 2:
      case 3:
        if (firstCount || !this.counting) {
          this.load(value, t + 1, true);
        } else if (t < this.loadTick) {
          this.startValue = value; // the previous count had not been loaded yet
          this.nullClearTick = this.loadTick;
        } else {
          // Takes effect at the end of the current period. (The chip switches a mode 3
          // count at the end of a half period; a full period is close enough here.)
          const period = this.startValue === 0 ? FULL : this.startValue;
          this.reloadPending = true;
          this.reloadTick = this.loadTick + Math.ceil((t + 1 - this.loadTick) / period) * period;
          this.reloadValue = value;
          this.nullClearTick = this.reloadTick;
        }
        return;
      default:
        // Modes 1 and 5 wait for a gate trigger; the count stays null until then.
        // Before any trigger OUT is high.
        if (firstCount) {
          this.counting = false;
          this.heldOut = true;
        }
    }
  }

  /** Loads `value` into the counting element at tick `at`; OUT is `outBefore` until then. */
  private load(value: number, at: number, outBefore: boolean): void {
    this.reloadPending = false;
    this.heldOut = outBefore;
    this.heldValue = this.countRegister;
    this.startValue = value;
    this.loadTick = at;
    this.nullClearTick = at;
    if (this.mode === 1) this.heldOut = false; // the trigger drops OUT at once
    // Modes 0 and 4 load even with the gate low but only count once it rises.
    if (this.gate || this.mode === 1 || this.mode === 5) {
      this.counting = true;
    } else {
      this.counting = false;
      this.heldValue = value;
    }
  }

  /** Stops the counting element where it is at tick `t`, with OUT at `out`. */
  private hold(t: number, out: boolean): void {
    if (this.mode === 0 && this.counting && t >= this.loadTick) this.terminalReached = this.outAt(t);
    this.heldValue = this.valueAt(t);
    this.heldOut = out;
    this.counting = false;
    this.reloadPending = false;
  }

  /** Modes 0/4: the gate rose again; counting continues from the held value. */
  private resume(t: number): void {
    this.startValue = this.heldValue;
    this.loadTick = t;
    this.counting = true;
  }
}
