import { test } from "node:test";
import assert from "node:assert/strict";
import { Http2Error } from "../src/errors.js";
import { FrameParser } from "../src/frame-parser.js";
import { frame } from "./raw-peer.js";

// RFC 9113 4.1: frames parsed in place across chunk boundaries, whatever the chunking.
let seed = 3;
const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000) * n);

test("the same bytes cut into random chunks (1 byte to many frames) give the same frames", () => {
  const frames = Array.from({ length: 300 }, (_, i) => frame(random(10), random(256), random(1000), Buffer.alloc(random(i % 10 === 0 ? 16_384 : 50), i)));
  const bytes = Buffer.concat(frames);
  for (let round = 0; round < 50; round++) {
    const parser = new FrameParser(16_384);
    const got: Buffer[] = [];
    for (let pos = 0; pos < bytes.length; ) {
      const size = round === 0 ? 1 : 1 + random(round % 2 ? 20 : 40_000);
      parser.push(bytes.subarray(pos, pos + size), (type, flags, id, payload) => got.push(frame(type, flags, id, Buffer.from(payload))));
      pos += size;
    }
    assert.equal(got.length, frames.length);
    assert.ok(Buffer.concat(got).equals(bytes), `round ${round}`);
    assert.equal(parser.inFrame, false);
  }
});

test("a frame longer than the maximum is a FRAME_SIZE_ERROR as soon as its header is whole, before any payload", () => {
  const parser = new FrameParser(16_384);
  const header = frame(0, 0, 1);
  header.writeUIntBE(16_385, 0, 3);
  parser.push(header.subarray(0, 5), () => assert.fail("no frame yet"));
  assert.throws(() => parser.push(header.subarray(5), () => {}), (e: Http2Error) => e instanceof Http2Error && e.code === 6);
});
