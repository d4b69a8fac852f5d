/** Short human forms of sizes, shares and times for panel columns. */

const BYTE_UNITS = ["B", "K", "M", "G", "T"];

/** A byte count in at most 6 columns: "512B", "1.5M", "20M", "3.2G". */
export function shortBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit > 0 && value < 10 && !Number.isInteger(value)
    ? value.toFixed(1)
    : Math.round(value).toString();
  return `${digits}${BYTE_UNITS[unit]}`;
}

/** A byte count for detail lines: "20.0 MiB (20971520 bytes)". */
export function longBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]} (${bytes} bytes)`;
}

/** A 0..1 share as a percentage in at most 4 columns: "0%", "0.4%", "37%", "100%". */
export function percent(share: number): string {
  const p = Math.max(0, Math.min(1, share)) * 100;
  if (p > 0 && p < 10) return `${p.toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A local time as "MM-DD hh:mm" (11 columns): enough to tell layers and snapshots apart. */
export function shortTime(time: Date): string {
  return `${two(time.getMonth() + 1)}-${two(time.getDate())} ${two(time.getHours())}:${
    two(time.getMinutes())
  }`;
}

/** A local time as "YYYY-MM-DD hh:mm:ss" for detail lines. */
export function longTime(time: Date): string {
  return `${time.getFullYear()}-${two(time.getMonth() + 1)}-${two(time.getDate())} ` +
    `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}`;
}
