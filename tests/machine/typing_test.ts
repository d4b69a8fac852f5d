import assert from "node:assert/strict";
import { keyForChar, typingSequence } from "../../core/machine/typing.ts";

Deno.test("typing maps lowercase to plain keys and uppercase and symbols to Left Shift wraps", () => {
  assert.deepEqual(typingSequence("a"), [{ code: 0x1E, pressed: true }, { code: 0x1E, pressed: false }]);
  assert.deepEqual(typingSequence("A"), [
    { code: 0x2A, pressed: true },
    { code: 0x1E, pressed: true },
    { code: 0x1E, pressed: false },
    { code: 0x2A, pressed: false },
  ]);
  assert.deepEqual(keyForChar(":"), { code: 0x27, shift: true });
  assert.deepEqual(keyForChar("\\"), { code: 0x2B, shift: false });
  assert.deepEqual(keyForChar("\r"), { code: 0x1C, shift: false });
  assert.deepEqual(keyForChar(" "), { code: 0x39, shift: false });
  assert.throws(() => typingSequence("é"), RangeError);
});

Deno.test("typed text reaches INT 16h as the same characters", async () => {
  const { idleMachine, callInt } = await import("../helpers/bios_call.ts");
  const m = idleMachine();
  const text = "Dir A:\\*.SYS\r"; // fits the 15-key buffer
  for (const k of typingSequence(text)) {
    m.keyboard.keyEvent(k.code, k.pressed);
    m.runCycles(m.clock.hz * 0.005);
  }
  let got = "";
  for (let i = 0; i < text.length; i++) got += String.fromCharCode(callInt(m, 0x16, { ax: 0 }).ax & 0xFF);
  assert.equal(got, text);
});
