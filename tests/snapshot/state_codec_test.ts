import assert from "node:assert/strict";
import { decodeState, encodeState, StateEncoder } from "../../core/snapshot/state_codec.ts";
import type { StateValue } from "../../core/state.ts";

Deno.test("state codec round-trips every kind of state value exactly", () => {
  const value: StateValue = {
    n: 0,
    neg: -5,
    big: 2 ** 40 + 1,
    frac: 1.25,
    negZero: -0,
    nan: NaN,
    inf: -Infinity,
    t: true,
    f: false,
    nil: null,
    s: "héllo ✓",
    u8: new Uint8Array([1, 2, 255]),
    u16: new Uint16Array([0xFFFF, 1]),
    u32: new Uint32Array([0xFFFF_FFFF]),
    list: [1, "two", [3], { four: 4 }],
    ["__proto__"]: 7,
  };
  const back = decodeState(encodeState(value)) as Record<string, StateValue>;
  assert.deepEqual(Object.is(back.negZero, -0), true);
  assert.deepEqual(Number.isNaN(back.nan), true);
  assert.deepEqual(back.inf, -Infinity);
  assert.deepEqual(back.u16 instanceof Uint16Array, true);
  assert.deepEqual(back.u32 instanceof Uint32Array, true);
  assert.deepEqual(Object.getPrototypeOf(back), Object.prototype);
  assert.deepEqual(Object.keys(back), Object.keys(value));
  assert.deepEqual(back, value);
});

Deno.test("state codec rejects truncated input and non-state values", () => {
  const bytes = encodeState({ a: new Uint8Array(100), b: "text" });
  assert.throws(() => decodeState(bytes.subarray(0, bytes.length - 3)), RangeError);
  assert.throws(() => decodeState(new Uint8Array([99])), /unknown state tag 99/);
  assert.throws(() => encodeState({ d: new Date() as unknown as StateValue }), /state\.d: not a state value/);
});

Deno.test("state encoder in steps gives encodeState's bytes, and names a bad value's path", () => {
  const value: StateValue = {
    cpu: { regs: new Uint16Array([1, 2, 3]), flags: 0x202, halted: false },
    vga: { dac: new Uint8Array(768).fill(7), mode: "13h", planes: [[1, 2], [3, 4]] },
    empty: {},
    list: [],
    f: -0.5,
  };
  const whole = encodeState(value);
  for (const per of [1, 2, 5, 1000]) {
    const e: StateEncoder = new StateEncoder(value);
    let steps = 1;
    while (!e.step(per)) steps++;
    assert.deepEqual(e.bytes(), whole);
    if (per === 1) assert.ok(steps >= 9, `one value per step: ${steps} steps`);
  }
  const bad: StateEncoder = new StateEncoder({ a: [1, { b: new Date() as unknown as StateValue }] });
  assert.throws(() => {
    while (!bad.step(1));
  }, /state\.a\[1\]\.b: not a state value/);
  assert.throws(() => new StateEncoder({ a: 1 }).bytes(), /not encoded yet/);
});
