/** The MC146818 real-time clock and CMOS RAM. */
export { RtcCmos } from "./rtc_cmos.ts";
export { CHECKSUM_FIRST, CHECKSUM_LAST, Cmos, CmosFloppyType } from "./cmos_layout.ts";
export { periodicTicks, RegA, RegB, RegC, RTC_TIME_BASE_HZ } from "./rtc_registers.ts";
