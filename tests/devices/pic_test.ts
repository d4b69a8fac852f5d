import assert from "node:assert/strict";
import { PicPair } from "../../core/devices/pic/mod.ts";
import { PinRecorder } from "./device_test_helpers.ts";

/** The AT BIOS initialisation: edge-triggered, cascade on IR2, 8086 mode, vectors 08h and 70h. */
function atPics(): { pic: PicPair; pin: PinRecorder } {
  const pin = new PinRecorder();
  const pic = new PicPair(pin);
  for (const [port, value] of [[0x20, 0x11], [0x21, 0x08], [0x21, 0x04], [0x21, 0x01]]) pic.out8(port, value);
  for (const [port, value] of [[0xA0, 0x11], [0xA1, 0x70], [0xA1, 0x02], [0xA1, 0x01]]) pic.out8(port, value);
  return { pic, pin };
}

function pulse(pic: PicPair, irq: number): void {
  pic.raiseIrq(irq);
  pic.lowerIrq(irq);
}

const NON_SPECIFIC_EOI = 0x20;
const READ_ISR = 0x0B;
const READ_IRR = 0x0A;

Deno.test("an uninitialised PIC asserts nothing; after ICW1-4 a new rising edge is needed", () => {
  const pin = new PinRecorder();
  const pic = new PicPair(pin);
  pic.raiseIrq(0);
  assert.equal(pin.asserted, false);
  for (const [port, value] of [[0x20, 0x11], [0x21, 0x08], [0x21, 0x04], [0x21, 0x01]]) pic.out8(port, value);
  assert.equal(pin.asserted, false, "ICW1 resets the edge sense: the line is still high");
  pic.lowerIrq(0);
  pic.raiseIrq(0);
  assert.equal(pin.asserted, true);
  assert.equal(pic.acknowledge(), 0x08);
});

Deno.test("the lowest-numbered request wins and blocks lower priorities until its EOI", () => {
  const { pic, pin } = atPics();
  pulse(pic, 3);
  pulse(pic, 1);
  assert.equal(pin.asserted, true);
  assert.equal(pic.acknowledge(), 0x09);
  assert.equal(pin.asserted, false, "IRQ3 is below the in-service IRQ1");
  pic.out8(0x20, READ_ISR);
  assert.equal(pic.in8(0x20), 0x02);
  pic.out8(0x20, READ_IRR);
  assert.equal(pic.in8(0x20), 0x08);
  pic.out8(0x20, NON_SPECIFIC_EOI);
  assert.equal(pin.asserted, true);
  assert.equal(pic.acknowledge(), 0x0B);
});

Deno.test("a higher-priority request nests inside a lower one; non-specific EOI ends the highest", () => {
  const { pic, pin } = atPics();
  pulse(pic, 4);
  assert.equal(pic.acknowledge(), 0x0C);
  pulse(pic, 0);
  assert.equal(pin.asserted, true, "IRQ0 outranks the in-service IRQ4");
  assert.equal(pic.acknowledge(), 0x08);
  pic.out8(0x20, READ_ISR);
  assert.equal(pic.in8(0x20), 0x11);
  pic.out8(0x20, NON_SPECIFIC_EOI);
  assert.equal(pic.in8(0x20), 0x10, "IRQ0 ended, IRQ4 still in service");
  pic.out8(0x20, 0x60 | 4); // specific EOI for IR4
  assert.equal(pic.in8(0x20), 0x00);
});

Deno.test("a masked request stays pending and is delivered when unmasked", () => {
  const { pic, pin } = atPics();
  pic.out8(0x21, 0xFF);
  assert.equal(pic.in8(0x21), 0xFF);
  pulse(pic, 6);
  assert.equal(pin.asserted, false);
  pic.out8(0x21, 0xBF);
  assert.equal(pin.asserted, true);
  assert.equal(pic.acknowledge(), 0x0E);
});

Deno.test("a line held high raises one request only; a new edge raises another", () => {
  const { pic, pin } = atPics();
  pic.raiseIrq(5);
  assert.equal(pic.acknowledge(), 0x0D);
  pic.out8(0x20, NON_SPECIFIC_EOI);
  pic.raiseIrq(5);
  assert.equal(pin.asserted, false, "no low-to-high transition");
  pic.lowerIrq(5);
  pic.raiseIrq(5);
  assert.equal(pin.asserted, true);
});

Deno.test("slave IRQ12 arrives through master IR2 with vector 74h and needs EOIs on both chips", () => {
  const { pic, pin } = atPics();
  pulse(pic, 12);
  assert.equal(pin.asserted, true);
  assert.equal(pic.acknowledge(), 0x74);
  pic.out8(0x20, READ_ISR);
  pic.out8(0xA0, READ_ISR);
  assert.equal(pic.in8(0x20), 0x04);
  assert.equal(pic.in8(0xA0), 0x10);
  pulse(pic, 1);
  assert.equal(pic.acknowledge(), 0x09, "IRQ1 outranks the cascade input IR2");
  pic.out8(0x20, NON_SPECIFIC_EOI);
  pulse(pic, 8);
  assert.equal(pin.asserted, false, "master IR2 is still in service");
  pic.out8(0xA0, NON_SPECIFIC_EOI);
  pic.out8(0x20, NON_SPECIFIC_EOI);
  assert.equal(pin.asserted, true);
  assert.equal(pic.acknowledge(), 0x70);
});

Deno.test("bus IRQ2 is routed to IRQ9 as on the AT", () => {
  const { pic } = atPics();
  pulse(pic, 2);
  assert.equal(pic.acknowledge(), 0x71);
});

Deno.test("a request that vanishes before INTA gives the IR7 vector without setting ISR", () => {
  const { pic, pin } = atPics();
  pulse(pic, 5);
  assert.equal(pin.asserted, true);
  pic.out8(0x21, 0x20); // masked between INTR and INTA
  assert.equal(pic.acknowledge(), 0x0F);
  pic.out8(0x20, READ_ISR);
  assert.equal(pic.in8(0x20), 0x00);
});

Deno.test("a slave request that vanishes after reaching master IR2 gives the IRQ15 vector", () => {
  const { pic, pin } = atPics();
  pulse(pic, 10);
  pic.out8(0xA1, 0x04); // mask IRQ10 on the slave
  assert.equal(pin.asserted, true, "master IR2 stays latched");
  assert.equal(pic.acknowledge(), 0x77);
  pic.out8(0xA0, READ_ISR);
  assert.equal(pic.in8(0xA0), 0x00, "the slave sets no ISR bit for a default IR7");
  pic.out8(0x20, READ_ISR);
  assert.equal(pic.in8(0x20), 0x04, "the master did acknowledge IR2");
});

Deno.test("in auto-EOI mode nothing stays in service", () => {
  const pin = new PinRecorder();
  const pic = new PicPair(pin);
  for (const [port, value] of [[0x20, 0x11], [0x21, 0x08], [0x21, 0x04], [0x21, 0x03]]) pic.out8(port, value);
  pulse(pic, 3);
  assert.equal(pic.acknowledge(), 0x0B);
  pic.out8(0x20, READ_ISR);
  assert.equal(pic.in8(0x20), 0x00);
  pulse(pic, 4);
  assert.equal(pin.asserted, true, "lower priorities are not blocked");
});

Deno.test("level-triggered mode drops the request with the line", () => {
  const pin = new PinRecorder();
  const pic = new PicPair(pin);
  for (const [port, value] of [[0x20, 0x19], [0x21, 0x08], [0x21, 0x04], [0x21, 0x01]]) pic.out8(port, value);
  pic.raiseIrq(3);
  assert.equal(pin.asserted, true);
  pic.lowerIrq(3);
  assert.equal(pin.asserted, false);
  assert.equal(pic.acknowledge(), 0x0F, "spurious");
});

Deno.test("poll mode returns 80h|level and acknowledges; 00h when nothing is pending", () => {
  const { pic } = atPics();
  pic.out8(0x20, 0x0C);
  assert.equal(pic.in8(0x20), 0x00);
  pulse(pic, 6);
  pic.out8(0x20, 0x0C);
  assert.equal(pic.in8(0x20), 0x86);
  pic.out8(0x20, READ_ISR);
  assert.equal(pic.in8(0x20), 0x40);
});

Deno.test("set-priority makes the level after the named one the highest", () => {
  const { pic } = atPics();
  pic.out8(0x20, 0xC0 | 4); // IR4 lowest, IR5 highest
  pulse(pic, 1);
  pulse(pic, 6);
  assert.equal(pic.acknowledge(), 0x0E);
});

Deno.test("saved state restores pending and in-service interrupts exactly", () => {
  const { pic, pin } = atPics();
  pulse(pic, 4);
  assert.equal(pic.acknowledge(), 0x0C);
  pulse(pic, 12);
  pulse(pic, 7);
  const saved = pic.saveState();
  const run = (p: PicPair): number[] => {
    const vectors = [p.acknowledge()];
    p.out8(0xA0, NON_SPECIFIC_EOI);
    p.out8(0x20, NON_SPECIFIC_EOI);
    p.out8(0x20, NON_SPECIFIC_EOI);
    vectors.push(p.acknowledge());
    return vectors;
  };
  const first = run(pic);
  assert.deepEqual(first, [0x74, 0x0F]);
  pic.loadState(saved);
  assert.equal(pin.asserted, true);
  assert.deepEqual(run(pic), first);
  const other = new PicPair(new PinRecorder());
  other.loadState(saved);
  assert.deepEqual(run(other), first);
  assert.throws(() => other.loadState({ master: 1 }), /PicPair/);
});
