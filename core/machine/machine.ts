/**
 * The PC: an 8086/80186 with up to 640 KiB of RAM, the AT chipset (two PICs,
 * PIT, 8042 keyboard controller, port 61h, RTC/CMOS), a VGA, and the
 * high-level BIOS with its disks. Time is the CPU's cycle count: the machine
 * runs the CPU up to the earliest device event, lets the devices catch up,
 * and repeats.
 *
 * Default speed: the CPU's cycle table follows the 80286's real-mode timings,
 * so {@link DEFAULT_CPU_HZ} = 8 MHz makes the machine about as fast as an
 * 8 MHz IBM PC/AT, the machine most DOS games of the AT era were tuned on.
 *
 * @example
 * ```ts
 * const pc = new Machine({ floppies: [disk] });
 * pc.powerOn();
 * pc.runCycles(pc.clock.hz); // one emulated second
 * ```
 */
import { Cpu } from "../cpu/cpu.ts";
import type { CpuModel } from "../cpu/registers.ts";
import { PagedMemory } from "../memory/paged_memory.ts";
import { IoBus } from "../io/io_bus.ts";
import type { Clock, TimedDevice } from "../time/timed_device.ts";
import { PicPair } from "../devices/pic/mod.ts";
import { Pit8254 } from "../devices/pit/mod.ts";
import { KeyboardController8042 } from "../devices/keyboard/mod.ts";
import { SystemControlPortB } from "../devices/system_port/mod.ts";
import { RtcCmos } from "../devices/rtc/mod.ts";
import { Vga, VGA_PORTS } from "../devices/vga/mod.ts";
import type { KeyboardInput } from "../devices/keyboard_input.ts";
import type { FrameSource } from "../video/frame.ts";
import type { BlockDevice } from "../../disks/block_device.ts";
import type { Stateful, StateValue } from "../state.ts";
import { Bios } from "../bios/bios.ts";
import type { BootDrive } from "../bios/host.ts";
import { OpenBus } from "./open_bus.ts";

/** Default CPU clock: an 8 MHz AT (see the module comment). */
export const DEFAULT_CPU_HZ = 8_000_000;
/** Conventional memory by default. */
export const DEFAULT_MEMORY_KIB = 640;
/**
 * Longest stretch the CPU runs without the devices looking: bounds how late the first
 * event after a guest reprograms a device (say, a faster PIT rate) can be.
 */
const MAX_RUN_SECONDS = 0.0005;

/** How to build a machine. */
export interface MachineConfig {
  cpuModel?: CpuModel;
  /** Conventional memory in KiB, 64–640, rounded down to 4 KiB (default 640). */
  memoryKiB?: number;
  floppies?: BlockDevice[];
  hardDisks?: BlockDevice[];
  /** Boot order (default A: then C:). */
  bootOrder?: BootDrive[];
  /** CPU clock in Hz (default {@link DEFAULT_CPU_HZ}). */
  cpuHz?: number;
  /** Host wall clock read once at power-on by the RTC (default: now). */
  hostTime?: () => Date;
}

/** The whole PC. */
export class Machine implements Stateful {
  readonly memory: PagedMemory;
  readonly io: IoBus;
  readonly cpu: Cpu;
  readonly clock: Clock;
  readonly pic: PicPair;
  readonly pit: Pit8254;
  readonly keyboardController: KeyboardController8042;
  readonly portB: SystemControlPortB;
  readonly rtc: RtcCmos;
  readonly vga: Vga;
  readonly bios: Bios;
  readonly memoryKiB: number;
  /** Where host key events go (set-1 scancodes). */
  readonly keyboard: KeyboardInput;
  /** Frames at vertical retrace. */
  readonly video: FrameSource;
  private readonly timed: TimedDevice[];
  private readonly maxRun: number;
  private resetPending = false;

  constructor(config: MachineConfig = {}) {
    const hz = config.cpuHz ?? DEFAULT_CPU_HZ;
    if (!(hz > 0)) throw new RangeError(`cpuHz must be positive, got ${hz}`);
    const kib = Math.floor(Math.min(640, Math.max(64, config.memoryKiB ?? DEFAULT_MEMORY_KIB)) / 4) * 4;
    this.memoryKiB = kib;
    this.memory = new PagedMemory(1 << 20);
    this.io = new IoBus();
    this.cpu = new Cpu(this.memory, this.io, { model: config.cpuModel ?? "80186" });
    const cpu = this.cpu;
    this.clock = { hz, now: () => cpu.cycles };
    this.maxRun = Math.max(1, Math.round(hz * MAX_RUN_SECONDS));

    this.pic = new PicPair(cpu);
    cpu.interruptController = this.pic;
    this.pit = new Pit8254(this.clock, this.pic);
    this.keyboardController = new KeyboardController8042(this.clock, this.pic, {
      onReset: () => this.requestReset(),
    });
    this.portB = new SystemControlPortB(this.clock, this.pit);
    this.rtc = new RtcCmos(this.clock, this.pic, config.hostTime ?? (() => new Date()));
    this.vga = new Vga(this.clock);
    this.io.register([0x20, 0x21, 0xA0, 0xA1], this.pic);
    this.io.register([0x40, 0x41, 0x42, 0x43], this.pit);
    this.io.register([0x60, 0x64], this.keyboardController);
    this.io.register([0x61], this.portB);
    this.io.register([0x70, 0x71], this.rtc);
    this.io.register(VGA_PORTS, this.vga);
    const openBus = new OpenBus();
    if (kib < 640) this.memory.mapMmio(kib * 1024, 0xA0000 - kib * 1024, openBus);
    this.memory.mapMmio(0xA0000, 0x20000, this.vga);
    this.memory.mapMmio(0xC0000, 0x30000, openBus);
    this.timed = [this.pit, this.keyboardController, this.rtc, this.vga];
    this.keyboard = this.keyboardController;
    this.video = this.vga;

    this.bios = new Bios({
      cpu,
      memory: this.memory,
      io: this.io,
      vga: this.vga,
      disks: {
        floppy: [...(config.floppies ?? [])].slice(0, 2),
        hard: [...(config.hardDisks ?? [])].slice(0, 2),
      },
      clock: this.clock,
    }, { bootOrder: config.bootOrder ?? ["a", "c"], memoryKiB: kib });
    this.bios.install();
  }

  /** Starts the machine from the reset vector (POST, then boot). */
  powerOn(): void {
    this.cpu.reset();
    this.resetPending = false;
  }

  /** The reset button: the CPU restarts at F000:FFF0 and POST reprograms the chipset; RAM is kept. */
  reset(): void {
    this.cpu.reset();
    this.resetPending = false;
  }

  /** The keyboard controller pulsed the reset line: reset at the end of the current instruction. */
  private requestReset(): void {
    this.resetPending = true;
    this.cpu.requestStop();
  }

  /** Emulated time since power-on, in seconds. */
  emulatedSeconds(): number {
    return this.cpu.cycles / this.clock.hz;
  }

  /** Runs `n` CPU cycles of emulated time, servicing devices on time. Allocation-free. */
  runCycles(n: number): void {
    const cpu = this.cpu;
    const timed = this.timed;
    const end = cpu.cycles + n;
    while (cpu.cycles < end) {
      let event = end;
      for (let i = 0; i < timed.length; i++) {
        const at = timed[i].nextEvent();
        if (at < event) event = at;
      }
      const next = Math.min(event, cpu.cycles + this.maxRun);
      if (next > cpu.cycles) {
        // A halted CPU that cannot take an interrupt now sleeps until a device event and cannot
        // reprogram a device meanwhile: skip to the event at once rather than in maxRun steps.
        // run(1) takes a pending interrupt if it can; an idle cycle is what HLT spends anyway.
        if (cpu.halted) cpu.run(1);
        const to = cpu.halted ? event : next;
        if (to > cpu.cycles) cpu.run(to - cpu.cycles);
      }
      if (this.resetPending) {
        this.resetPending = false;
        cpu.reset();
      }
      const now = cpu.cycles;
      for (let i = 0; i < timed.length; i++) {
        if (timed[i].nextEvent() <= now) timed[i].advance(now);
      }
    }
  }

  saveState(): StateValue {
    return {
      version: 1,
      model: this.cpu.model,
      memoryKiB: this.memoryKiB,
      hz: this.clock.hz,
      ram: this.memory.bytes.slice(0, this.memoryKiB * 1024),
      cpu: this.cpu.saveState(),
      pic: this.pic.saveState(),
      pit: this.pit.saveState(),
      keyboardController: this.keyboardController.saveState(),
      portB: this.portB.saveState(),
      rtc: this.rtc.saveState(),
      vga: this.vga.saveState(),
      bios: this.bios.saveState(),
    };
  }

  loadState(state: StateValue): void {
    if (state === null || typeof state !== "object" || Array.isArray(state) || ArrayBuffer.isView(state)) {
      throw new TypeError("machine state must be a record");
    }
    const s = state as { [key: string]: StateValue };
    if (s.version !== 1) throw new TypeError(`machine state version ${String(s.version)} is not supported`);
    if (s.model !== this.cpu.model || s.memoryKiB !== this.memoryKiB || s.hz !== this.clock.hz) {
      throw new TypeError(
        `machine state is for ${String(s.model)}/${String(s.memoryKiB)} KiB/${String(s.hz)} Hz, ` +
          `this machine is ${this.cpu.model}/${this.memoryKiB} KiB/${this.clock.hz} Hz`,
      );
    }
    const ram = s.ram;
    if (!(ram instanceof Uint8Array) || ram.length !== this.memoryKiB * 1024) {
      throw new TypeError("machine state: ram has the wrong size");
    }
    this.cpu.loadState(s.cpu);
    // RAM goes back through the write path so a snapshot barrier or guarded pages see it.
    this.memory.writeBlock(0, ram);
    this.pic.loadState(s.pic);
    this.pit.loadState(s.pit);
    this.keyboardController.loadState(s.keyboardController);
    this.portB.loadState(s.portB);
    this.rtc.loadState(s.rtc);
    this.vga.loadState(s.vga);
    this.bios.loadState(s.bios);
    this.resetPending = false;
  }
}
