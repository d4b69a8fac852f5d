import assert from "node:assert/strict";
import { yieldToEventLoop } from "../../core/machine/yield.ts";

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy, as an emulation burst is
  }
}

Deno.test("a yield to the event loop lets finished file I/O and due timers run their callbacks", async () => {
  const path = Deno.makeTempFileSync();
  try {
    Deno.writeTextFileSync(path, "hello");
    let read = "";
    let fired = false;
    Deno.readTextFile(path).then((text) => read = text);
    setTimeout(() => fired = true, 0);
    // The read and the timer are both done in the background meanwhile.
    spin(20);
    // Only yields from here on (no timer wait, no other await): they must be enough.
    const started = performance.now();
    while ((read === "" || !fired) && performance.now() - started < 2000) await yieldToEventLoop();
    assert.equal(read, "hello");
    assert.equal(fired, true);
  } finally {
    Deno.removeSync(path);
  }
});

Deno.test("yields keep a file write awaited meanwhile moving (a message-port yield starves it)", async () => {
  const path = Deno.makeTempFileSync();
  try {
    const file = await Deno.open(path, { write: true });
    let done = false;
    file.write(new Uint8Array(1 << 20)).then(() => done = true);
    let yields = 0;
    const started = performance.now();
    while (!done && performance.now() - started < 2000) {
      spin(0.2);
      await yieldToEventLoop();
      yields++;
    }
    file.close();
    assert.equal(done, true, `the write completed (after ${yields} yields)`);
  } finally {
    Deno.removeSync(path);
  }
});
