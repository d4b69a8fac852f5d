/**
 * tty86's entry point. It runs the bundled build (`deno task build`, dist/tty86.js) while that
 * is current, which starts ~40 ms sooner than loading the ~250 modules, and otherwise the
 * modules themselves (cli/main.ts): both are the same program.
 */
import { currentBundle } from "./cli/bundle_stamp.ts";

const bundle = currentBundle("tty86");
if (bundle !== null) await import(bundle);
else await import("./cli/main.ts");
