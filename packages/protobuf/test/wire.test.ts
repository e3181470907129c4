import { test } from "node:test";
import assert from "node:assert/strict";
import { BinaryReader, BinaryWriter, DecodeError } from "../src/codegen-support.js";

test("varints round-trip at every boundary, including negative int32 as 10 bytes", () => {
  const values = [0, 1, 127, 128, 16383, 16384, 2 ** 31 - 1, -1, -(2 ** 31)];
  for (const v of values) {
    const w = new BinaryWriter(1).int32(v);
    const bytes = w.finish();
    if (v < 0) assert.equal(bytes.length, 10);
    assert.equal(new BinaryReader(bytes).int32(), v);
  }
  const big = [0n, 1n, 2n ** 32n, 2n ** 63n - 1n, -(2n ** 63n), -1n];
  for (const v of big) {
    assert.equal(new BinaryReader(new BinaryWriter().int64(v).finish()).int64(), v);
    assert.equal(new BinaryReader(new BinaryWriter().sint64(v).finish()).sint64(), v);
    assert.equal(new BinaryReader(new BinaryWriter().sfixed64(v).finish()).sfixed64(), v);
  }
  assert.equal(new BinaryReader(new BinaryWriter().uint64(2n ** 64n - 1n).finish()).uint64(), 2n ** 64n - 1n);
  for (const v of [0, -1, 1, 2 ** 31 - 1, -(2 ** 31)]) assert.equal(new BinaryReader(new BinaryWriter().sint32(v).finish()).sint32(), v);
});

test("a varint longer than 10 bytes is a DecodeError, not a hang or a wrong value", () => {
  const bytes = new Uint8Array(11).fill(0x80);
  bytes[10] = 0;
  assert.throws(() => new BinaryReader(bytes).uint32(), DecodeError);
  assert.throws(() => new BinaryReader(bytes).int64(), DecodeError);
});

test("truncated input is a DecodeError for every kind of value", () => {
  assert.throws(() => new BinaryReader(Uint8Array.of(0x80)).uint32(), /truncated varint/);
  assert.throws(() => new BinaryReader(Uint8Array.of(1, 2, 3)).fixed32(), /truncated/);
  assert.throws(() => new BinaryReader(Uint8Array.of(1, 2, 3)).double(), /truncated/);
  assert.throws(() => new BinaryReader(Uint8Array.of(5, 1)).bytes(), /runs past the end/);
  assert.throws(() => new BinaryReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f)).string(), /runs past the end/);
});

test("strings are UTF-8 both ways; invalid UTF-8 is an error in strict mode and U+FFFD otherwise", () => {
  for (const s of ["", "plain", "héllo", "日本語", "emoji 😈", "x".repeat(300)]) {
    assert.equal(new BinaryReader(new BinaryWriter().string(s).finish()).string(), s);
  }
  const bad = Uint8Array.of(2, 0xc3, 0x28);
  assert.throws(() => new BinaryReader(bad).string(true), /invalid UTF-8/);
  assert.equal(new BinaryReader(bad).string(false), "\ufffd(");
});

test("fork/join writes lengths of every size, moving contents when the length needs more bytes", () => {
  for (const n of [0, 1, 127, 128, 300, 16384, 70000]) {
    const w = new BinaryWriter(4);
    w.uint32(7);
    const mark = w.fork();
    for (let i = 0; i < n; i++) w.raw(Uint8Array.of(i & 0xff));
    w.join(mark);
    w.uint32(9);
    const r = new BinaryReader(w.finish());
    assert.equal(r.uint32(), 7);
    const body = r.bytes();
    assert.equal(body.length, n);
    assert.equal(body[n - 1], n ? (n - 1) & 0xff : undefined);
    assert.equal(r.uint32(), 9);
  }
});

test("skipping groups checks the end tag and the nesting limit", () => {
  // field 1, start group; field 2 varint 5; end group 1
  assert.doesNotThrow(() => new BinaryReader(Uint8Array.of(0x10, 5, 0x0c)).skipGroup(1));
  assert.throws(() => new BinaryReader(Uint8Array.of(0x10, 5, 0x14)).skipGroup(1), /does not match/);
  assert.throws(() => new BinaryReader(Uint8Array.of(0x10, 5)).skipGroup(1), /missing its end tag/);
  const deep = new Uint8Array(300).fill(0x0b); // 300 nested start-group tags of field 1
  assert.throws(() => new BinaryReader(deep).skipGroup(1), /recursion limit/);
});

test("wire type 6 and 7 and field number 0 are rejected", () => {
  assert.throws(() => new BinaryReader(Uint8Array.of(0x0e)).skip(6, 1), /invalid wire type/);
  assert.throws(() => new BinaryReader(Uint8Array.of(0x00)).tag(), /field number 0/);
});

test("bytes read from a Node Buffer are plain Uint8Array copies that do not alias the input", () => {
  const input = Buffer.from([3, 1, 2, 3]);
  const bytes = new BinaryReader(input).bytes();
  assert.equal(bytes.constructor, Uint8Array);
  input[1] = 99;
  assert.deepEqual([...bytes], [1, 2, 3]);
});

test("skipping a length-delimited field moves past its length and its bytes", () => {
  const w = new BinaryWriter();
  w.tag(5, 2).string("skipped value");
  w.tag(6, 0).uint32(150);
  const r = new BinaryReader(w.finish());
  const first = r.tag();
  r.skip(first & 7, first >>> 3);
  assert.equal(r.tag(), (6 << 3) | 0);
  assert.equal(r.uint32(), 150);
  assert.equal(r.pos, r.end);
});

test("BinaryWriter.take hands out what was written without a copy and goes on in the rest of the buffer", () => {
  const w = new BinaryWriter(64);
  w.double(1.5).string("first");
  const first = w.take(16, 64);
  w.double(-2.25).fixed32(7);
  const second = w.take(16, 64);
  assert.equal(second.buffer, first.buffer, "the second take shares the first's allocation");
  for (let i = 0; i < 5; i++) w.double(i); // 40 bytes: more than is left, so a new buffer
  const third = w.take(16, 64);
  const read = (b: Uint8Array) => new BinaryReader(b, 0, b.length);
  const r1 = read(first);
  assert.equal(r1.double(), 1.5);
  assert.equal(r1.string(), "first");
  const r2 = read(second);
  assert.equal(r2.double(), -2.25);
  assert.equal(r2.fixed32(), 7);
  const r3 = read(third);
  assert.deepEqual(Array.from({ length: 5 }, () => r3.double()), [0, 1, 2, 3, 4]);
});
