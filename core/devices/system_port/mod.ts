/** Port 61h, system control port B. */
export { PortB, REFRESH_PIT_TICKS, SystemControlPortB } from "./system_control_port_b.ts";
