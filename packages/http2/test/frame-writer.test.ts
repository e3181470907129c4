import { test } from "node:test";
import assert from "node:assert/strict";
import { FrameWriter } from "../src/frame-writer.js";
import { FrameType } from "../src/frame.js";

/** The bytes of one frame, built independently of FrameWriter. */
function frame(type: number, flags: number, streamId: number, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

test("FrameWriter starts with a small chunk and holds no 64 KiB until a connection writes more", () => {
  const w = new FrameWriter();
  const chunkLength = () => (w as unknown as { chunk: Buffer }).chunk.length;
  w.settings([[3, 1000], [4, 262144], [6, 16384]]);
  w.windowUpdate(0, 16 * 1024 * 1024 - 65535);
  w.goaway(0, 11, "too_many_pings");
  assert.ok(chunkLength() <= 512, `first chunk ${chunkLength()} bytes`);
  for (let i = 0; i < 100; i++) w.ping(Buffer.from("01234567"), true);
  assert.equal(chunkLength(), 64 * 1024);
});

test("FrameWriter's output is the frames in order, across its first chunk, larger chunks and payloads of their own", () => {
  const w = new FrameWriter();
  const expected: Buffer[] = [];
  const taken: Buffer[] = [];
  const payloads = [1, 100, 400, 511, 600, 4095, 4096, 70_000, 3, 65_000, 20].map((n, i) => Buffer.alloc(n, i + 1));
  for (let round = 0; round < 3; round++) {
    for (const [i, p] of payloads.entries()) {
      w.header(p.length, FrameType.DATA, 0, 2 * i + 1);
      w.bytes(p);
      expected.push(frame(FrameType.DATA, 0, 2 * i + 1, p));
      w.rstStream(2 * i + 1, 8);
      expected.push(frame(FrameType.RST_STREAM, 0, 2 * i + 1, Buffer.of(0, 0, 0, 8)));
      if (i % 4 === 3) taken.push(...w.take()); // bytes handed to the socket are never written over afterwards
    }
    assert.equal(w.pending, Buffer.concat(expected).length - Buffer.concat(taken).length);
    taken.push(...w.take());
    assert.ok(w.empty);
  }
  assert.deepEqual(Buffer.concat(taken), Buffer.concat(expected));
});
