// Fuzz properties for the HTTP/2 decoders: HPACK, the frame parser, and whole connections (server and client) fed a
// peer's raw bytes. The documented error is Http2Error (COMPRESSION_ERROR for HPACK); a connection turns any other
// exception into a GOAWAY(INTERNAL_ERROR), so a property sees it by recording what `fail` is given.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import * as fc from "fast-check";
import { ErrorCode, Http2Error } from "../../src/errors.js";
import { HpackDecoder } from "../../src/hpack/decoder.js";
import { HpackEncoder } from "../../src/hpack/encoder.js";
import { FrameParser } from "../../src/frame-parser.js";
import { CLIENT_PREFACE } from "../../src/frame.js";
import { ServerConnection } from "../../src/server-connection.js";
import { ClientConnection } from "../../src/client-connection.js";
import { requestHeaders, trailerHeaders } from "../../src/request-headers.js";
import { chunked, mutated, throwsOnly, type FuzzProperty } from "@tsgrpc/testing";

const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const headerName = fc.oneof(fc.constantFrom(":method", ":path", ":status", "content-type", "te", "grpc-status", "grpc-message", "x-a", "set-cookie", "grpc-timeout"), fc.stringMatching(/^[a-z0-9-]{1,16}$/));
const headerList = fc.array(fc.tuple(headerName, latin1), { maxLength: 12 });
const blocks = fc.array(headerList, { minLength: 1, maxLength: 4 });

/** Header blocks as an encoder writes them (sharing its dynamic table), then damaged. */
const encodedBlocks = fc.tuple(blocks, fc.integer({ min: 0, max: 4096 })).map(([lists, size]) => {
  const e = new HpackEncoder(size);
  return lists.map((l) => Uint8Array.from(e.encode(l.flat())));
});
const hpackInput = fc.oneof(
  fc.array(fc.uint8Array({ maxLength: 60 }), { minLength: 1, maxLength: 4 }),
  encodedBlocks.chain((bs) => fc.tuple(...bs.map((b) => mutated(fc.constant(b))))),
);

const frameArb = fc.record({
  type: fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 9 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
  flags: fc.oneof(fc.constantFrom(0, 1, 4, 5, 8, 0x20, 0x24, 0x25), fc.integer({ min: 0, max: 255 })),
  stream: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0, 1, 3, 5, 2) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
  /** Either raw bytes or, for HEADERS/CONTINUATION, a header list HPACK-encoded by the peer's encoder. */
  payload: fc.oneof(
    fc.record({ kind: fc.constant("bytes" as const), bytes: fc.uint8Array({ maxLength: 24 }) }),
    fc.record({ kind: fc.constant("u32" as const), values: fc.array(fc.oneof(fc.nat(), fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 65535, 16384)), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant("settings" as const), entries: fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.oneof(fc.nat(), fc.constantFrom(0, 1, 16383, 16384, 16777216, 2 ** 31, 2 ** 32 - 1))), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant("headers" as const), fields: headerList, pad: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }) }),
    fc.record({ kind: fc.constant("request" as const), path: fc.constantFrom("/a", "/svc/M", "", "*"), method: fc.constantFrom("GET", "POST", "CONNECT", ""), extra: headerList }),
  ),
});
interface FrameSpec { type: number; flags: number; stream: number; payload: { kind: string; [k: string]: unknown } }

function frameBytes(f: FrameSpec, encoder: HpackEncoder): Buffer {
  const p = f.payload;
  let payload: Buffer;
  if (p.kind === "bytes") payload = Buffer.from(p["bytes"] as Uint8Array);
  else if (p.kind === "u32") payload = Buffer.concat((p["values"] as number[]).map((v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; }));
  else if (p.kind === "settings") payload = Buffer.concat((p["entries"] as [number, number][]).map(([id, v]) => { const b = Buffer.alloc(6); b.writeUInt16BE(id); b.writeUInt32BE(v >>> 0, 2); return b; }));
  else if (p.kind === "headers") {
    const block = encoder.encode((p["fields"] as [string, string][]).flat());
    payload = p["pad"] === undefined ? block : Buffer.concat([Buffer.of(p["pad"] as number), block]);
  } else {
    const fields = [":method", p["method"] as string, ":scheme", "http", ":path", p["path"] as string, ":authority", "x", "content-type", "application/grpc", "te", "trailers", ...(p["extra"] as [string, string][]).flat()];
    payload = encoder.encode(fields);
  }
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = f.type;
  header[4] = f.flags;
  header.writeUInt32BE(f.stream >>> 0, 5);
  return Buffer.concat([header, payload]);
}

/** A socket stand-in: the connection reads what `feed` gives it and writes into `written`. */
class FakeSocket extends EventEmitter {
  written: Buffer[] = [];
  destroyed = false;
  writableLength = 0;
  remoteAddress = "192.0.2.1";
  remotePort = 1234;
  setNoDelay() { return this; }
  setKeepAlive() { return this; }
  setTimeout() { return this; }
  resume() { return this; }
  pause() { return this; }
  cork() {}
  uncork() {}
  ref() { return this; }
  unref() { return this; }
  write(chunk: Uint8Array) { if (!this.destroyed) this.written.push(Buffer.from(chunk)); return true; }
  end() { this.destroy(); return this; }
  destroy() { if (!this.destroyed) { this.destroyed = true; setImmediate(() => this.emit("close", false)); } return this; }
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** The errors a connection failed with, any of which must be an Http2Error. */
function recordFailures<T extends object>(connection: T): unknown[] {
  const failures: unknown[] = [];
  const c = connection as unknown as { fail(e: unknown): void };
  const original = c.fail.bind(connection);
  c.fail = (e: unknown) => { failures.push(e); original(e); };
  return failures;
}

async function feedConnection(isServer: boolean, input: { frames: FrameSpec[]; cuts: number[]; prefaceDamage: number | undefined }): Promise<void> {
  const socket = new FakeSocket();
  const encoder = new HpackEncoder();
  const sock = socket as unknown as Socket;
  const streams: unknown[] = [];
  const connection = isServer
    ? new ServerConnection(sock, (stream) => {
      streams.push(stream);
      stream.read(() => {}, () => { stream.respond({ ":status": 200, "content-type": "application/grpc" }); stream.end(new Uint8Array(3), { "grpc-status": "0" }); }, () => {});
    }, { settingsTimeoutMs: 60_000 })
    : new ClientConnection(sock, { settingsTimeoutMs: 60_000 });
  const failures = recordFailures(connection);
  const uncaught: unknown[] = [];
  try {
    if (!isServer) {
      const client = connection as ClientConnection;
      for (let i = 0; i < 2; i++) {
        try {
          const s = client.request({ ":method": "POST", ":path": "/svc/M", ":scheme": "http", ":authority": "x", "content-type": "application/grpc", te: "trailers" });
          s.read(() => {}, () => {}, () => {});
        } catch (e) {
          uncaught.push(e);
        }
      }
    }
    const preface = isServer ? Buffer.from(CLIENT_PREFACE) : Buffer.alloc(0);
    if (input.prefaceDamage !== undefined && preface.length) preface[input.prefaceDamage % preface.length] ^= 0x20;
    const settings = frameBytes({ type: 4, flags: 0, stream: 0, payload: { kind: "settings", entries: [] } }, encoder);
    const bytes = Buffer.concat([preface, settings, ...input.frames.map((f) => frameBytes(f, encoder))]);
    for (const chunk of chunked(bytes, input.cuts)) {
      try {
        socket.emit("data", Buffer.from(chunk));
      } catch (e) {
        uncaught.push(e);
      }
      await tick();
    }
    await tick();
  } finally {
    (connection as { destroy(): void }).destroy();
    await tick();
  }
  assert.deepEqual(uncaught, [], "no exception escapes the connection");
  for (const f of failures) assert.ok(f instanceof Http2Error, `the connection failed with ${String((f as Error)?.stack ?? f)}, not an Http2Error (it would send INTERNAL_ERROR)`);
}

const connectionInput = fc.record({
  frames: fc.array(frameArb, { maxLength: 12 }),
  cuts: fc.array(fc.nat(), { maxLength: 4 }),
  prefaceDamage: fc.option(fc.nat(), { nil: undefined, freq: 20 }),
});

export const properties: FuzzProperty[] = [
  {
    name: "hpack-decode-never-throws-other-errors",
    group: "hpack",
    runs: 500,
    arbitrary: fc.record({ blocks: hpackInput, tableSize: fc.constantFrom(0, 100, 4096), listSize: fc.constantFrom(64, 16384) }),
    check: ({ blocks: bs, tableSize, listSize }: { blocks: Uint8Array[]; tableSize: number; listSize: number }) => {
      const d = new HpackDecoder(tableSize === 0 ? 4096 : tableSize);
      for (const b of bs) {
        const r = throwsOnly(() => d.decode(b, listSize), Http2Error, (e) => assert.equal((e as Http2Error).code, ErrorCode.COMPRESSION_ERROR));
        if ("error" in r) return; // the table is out of step after an error: the connection ends
        assert.ok(d.tableSize <= (tableSize === 0 ? 4096 : tableSize), "the table stays within its limit");
        assert.ok(r.value.fields.length % 2 === 0);
      }
    },
  },
  {
    name: "hpack-roundtrip",
    group: "hpack",
    runs: 300,
    arbitrary: fc.record({ blocks, size: fc.constantFrom(0, 64, 4096) }),
    check: ({ blocks: lists, size }: { blocks: [string, string][][]; size: number }) => {
      const e = new HpackEncoder(size);
      const d = new HpackDecoder(4096);
      for (const l of lists) {
        const r = d.decode(e.encode(l.flat()), 1 << 20);
        assert.deepStrictEqual(r.fields, l.flat());
        assert.equal(r.tooLarge, false);
      }
    },
  },
  {
    name: "http2-header-fields",
    group: "http2-frames",
    runs: 300,
    // Decoded header fields made into the object a handler sees: only the names sent, as own properties of a plain
    // object, each a string or a list of strings; or a stream error. A peer chooses the names: "__proto__" included.
    arbitrary: fc.record({
      pseudo: fc.constantFrom([":method", "POST", ":scheme", "http", ":path", "/a", ":authority", "x"], [] as string[]),
      fields: fc.array(fc.tuple(fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "cookie", "te", "x-a", "valueOf"), fc.stringMatching(/^[a-z_-]{1,10}$/)), fc.stringMatching(/^[ -~]{0,8}$/)), { maxLength: 8 }),
      trailers: fc.boolean(),
    }),
    check: ({ pseudo, fields, trailers }: { pseudo: string[]; fields: [string, string][]; trailers: boolean }) => {
      const list = trailers ? fields.flat() : [...pseudo, ...fields.flat()];
      const r = throwsOnly(() => (trailers ? trailerHeaders(list, 1) : requestHeaders(list, 1)), Http2Error);
      if (!("value" in r)) return;
      const h = r.value as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(h), Object.prototype, "a plain object");
      const names = new Set<string>();
      for (let i = 0; i < list.length; i += 2) names.add(list[i]!);
      assert.deepStrictEqual(new Set(Object.keys(h)), names, "the names sent, as own properties");
      for (const v of Object.values(h)) assert.ok(typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string")), `a string or strings: ${String(v)}`);
    },
  },
  {
    name: "http2-frame-parser",
    group: "http2-frames",
    runs: 400,
    arbitrary: fc.record({
      bytes: fc.oneof(fc.uint8Array({ maxLength: 120 }), fc.array(frameArb, { maxLength: 8 }).map((fs) => { const e = new HpackEncoder(); return Uint8Array.from(Buffer.concat(fs.map((f) => frameBytes(f, e)))); })),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
      max: fc.constantFrom(16, 16384),
    }),
    check: ({ bytes, cuts, max }: { bytes: Uint8Array; cuts: number[]; max: number }) => {
      const parse = (chunks: Uint8Array[]) => {
        const frames: Array<[number, number, number, string]> = [];
        const p = new FrameParser(max);
        const r = throwsOnly(() => { for (const c of chunks) p.push(Buffer.from(c), (t, f, s, payload) => void frames.push([t, f, s, payload.toString("hex")])); }, Http2Error);
        return { frames, error: "error" in r ? (r.error as Http2Error).code : undefined };
      };
      const whole = parse([bytes]);
      const cut = parse(chunked(bytes, cuts));
      assert.deepStrictEqual(cut, whole, "the same frames (and error) however the bytes are cut");
      // The frames delivered are the bytes from the start, frame after frame.
      const joined = whole.frames.map(([t, f, s, hex]) => { const h = Buffer.alloc(9); h.writeUIntBE(hex.length / 2, 0, 3); h[3] = t; h[4] = f; h.writeUInt32BE(s, 5); return h.toString("hex") + hex; }).join("");
      const expected = Buffer.from(bytes).toString("hex").slice(0, joined.length);
      // The reserved bit of the stream id is dropped: compare without it.
      assert.equal(joined.length <= bytes.length * 2, true);
      for (let i = 0, at = 0; i < whole.frames.length; i++) {
        const len = 18 + whole.frames[i]![3].length;
        assert.equal(joined.slice(at, at + 10) + joined.slice(at + 18, at + len), expected.slice(at, at + 10) + expected.slice(at + 18, at + len), `frame ${i}`);
        at += len;
      }
    },
  },
  {
    name: "http2-server-connection-raw-bytes",
    group: "http2-connections",
    runs: 150,
    async: true,
    arbitrary: connectionInput,
    check: (input: { frames: FrameSpec[]; cuts: number[]; prefaceDamage: number | undefined }) => feedConnection(true, input),
  },
  {
    name: "http2-client-connection-raw-bytes",
    group: "http2-connections",
    runs: 150,
    async: true,
    arbitrary: connectionInput,
    check: (input: { frames: FrameSpec[]; cuts: number[]; prefaceDamage: number | undefined }) => feedConnection(false, input),
  },
];
