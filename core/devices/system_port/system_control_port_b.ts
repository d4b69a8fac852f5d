/**
 * AT system control port B (61h): PIT channel 2 gate, speaker enable, and the status bits
 * software polls for timing (refresh toggle, channel 2 output).
 */

import type { IoDevice } from "../../io/io_bus.ts";
import type { Stateful, StateValue } from "../../state.ts";
import type { Clock } from "../../time/timed_device.ts";
import type { Pit8254 } from "../pit/pit8254.ts";
import { intField, stateRecord } from "../state_fields.ts";

/** Bits of port 61h. */
export const PortB = {
  /** Write/read: PIT channel 2 GATE. */
  Timer2Gate: 0x01,
  /** Write/read: speaker data enable (ANDed with channel 2's output). */
  SpeakerData: 0x02,
  /** Write/read: 0 enables RAM parity checks (no parity errors are ever reported). */
  ParityCheckDisable: 0x04,
  /** Write/read: 0 enables I/O channel checks. */
  ChannelCheckDisable: 0x08,
  /** Read: toggles on every DRAM refresh request (every 18 PIT ticks ≈ 15.085 µs). */
  RefreshToggle: 0x10,
  /** Read: PIT channel 2 OUT. */
  Timer2Output: 0x20,
} as const;

/** PIT ticks between refresh requests: the BIOS runs channel 1 in mode 2 with count 18. */
export const REFRESH_PIT_TICKS = 18;

/** Port 61h. The writable bits are 0–3; 4 and 5 are computed at each read. */
export class SystemControlPortB implements IoDevice, Stateful {
  private control = 0;

  constructor(private readonly clock: Clock, private readonly pit: Pit8254) {}

  in8(_port: number): number {
    // The refresh toggle is derived from emulated time at the read (a free-running
    // request rate on the board), whatever the guest programmed into PIT channel 1.
    const refreshes = Math.floor(this.pit.ticksAt(this.clock.now()) / REFRESH_PIT_TICKS);
    return this.control | ((refreshes & 1) !== 0 ? PortB.RefreshToggle : 0) |
      (this.pit.output(2) ? PortB.Timer2Output : 0);
  }

  out8(_port: number, value: number): void {
    this.control = value & 0x0F;
    this.pit.setGate(2, (value & PortB.Timer2Gate) !== 0);
  }

  /** The writable bits (0–3) as last written. */
  get controlBits(): number {
    return this.control;
  }

  /** Whether the speaker is sounding a tone: data enabled, gate open, channel 2 periodic. */
  get speakerOn(): boolean {
    return (this.control & 3) === 3 && this.pit.frequency(2) > 0;
  }

  /** The tone's frequency in Hz while `speakerOn`, else 0. */
  get speakerHz(): number {
    return this.speakerOn ? this.pit.frequency(2) : 0;
  }

  saveState(): StateValue {
    return { control: this.control };
  }

  /** Restores bit 0–3 state; channel 2's gate is part of the PIT's own state. */
  loadState(state: StateValue): void {
    const r = stateRecord(state, "SystemControlPortB");
    this.control = intField(r, "control", 0, 0x0F, "SystemControlPortB");
  }
}
