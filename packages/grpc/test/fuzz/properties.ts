// Fuzz properties for what gRPC decodes from a peer: length-prefixed envelopes, compressed messages, gRPC-Web bodies
// (binary trailers blocks and base64 text), grpc-timeout, grpc-message, metadata values and grpc-status-details-bin.
// The documented error is GrpcError (INTERNAL or RESOURCE_EXHAUSTED); timeout, metadata and status details never throw.
import assert from "node:assert/strict";
import { gzipSync, deflateSync } from "node:zlib";
import * as fc from "fast-check";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { Metadata } from "../../src/metadata.js";
import { EnvelopeReader, encodeEnvelope } from "../../src/protocol/envelope.js";
import { compress, decompress, type Encoding } from "../../src/protocol/compression.js";
import { decodeMessage } from "../../src/protocol/decode-message.js";
import { Base64StreamDecoder, encodeTrailersFrame, parseTrailersBlock } from "../../src/protocol/grpc-web.js";
import { encodeTimeout, parseTimeout } from "../../src/protocol/timeout.js";
import { decodeStatusMessage, encodeStatusMessage } from "../../src/protocol/status-message.js";
import { statusFromFields } from "../../src/protocol/status-fields.js";
import { HealthCheckResponse } from "../../src/gen/grpc/health/v1/health_pb.js";
import { chunked, mutated, throwsOnly, type FuzzProperty } from "@tsgrpc/testing";
import { http1Properties } from "./http1-properties.js";

const grpcCodes = (e: Error) => assert.ok([Status.INTERNAL, Status.RESOURCE_EXHAUSTED].includes((e as GrpcError).code), `code ${(e as GrpcError).code}`);
const payloads = fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 5 });
const encoding = fc.constantFrom<Encoding>("gzip", "deflate", "identity");
const latin1 = (max: number) => fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: max });

export const properties: FuzzProperty[] = [
  {
    name: "grpc-envelope-reader",
    group: "grpc-envelopes",
    runs: 400,
    arbitrary: fc.record({
      bytes: fc.oneof(fc.uint8Array({ maxLength: 80 }), mutated(payloads.map((ps) => Uint8Array.from(Buffer.concat(ps.map((p) => encodeEnvelope(p))))))),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
      max: fc.constantFrom(0, 8, 1 << 20),
    }),
    check: ({ bytes, cuts, max }: { bytes: Uint8Array; cuts: number[]; max: number }) => {
      const read = (chunks: Uint8Array[]) => {
        const r = new EnvelopeReader(max);
        const out: string[] = [];
        const result = throwsOnly(() => { for (const c of chunks) for (const e of r.push(c)) out.push(`${e.compressed}/${e.trailers}/${Buffer.from(e.data).toString("hex")}`); }, GrpcError, grpcCodes);
        return { out, error: "error" in result ? (result.error as GrpcError).code : undefined, pending: "error" in result ? -1 : r.pending };
      };
      const whole = read([bytes]);
      const cut = read(chunked(bytes, cuts));
      assert.equal(cut.error, whole.error, "the same error however the bytes are cut");
      // Envelopes completed by the push that throws are not returned (the stream fails): only a prefix then.
      if (whole.error === undefined) assert.deepStrictEqual(cut, whole, "the same envelopes however the bytes are cut");
      else assert.deepStrictEqual(cut.out.slice(0, whole.out.length), whole.out);
    },
  },
  {
    name: "grpc-envelope-roundtrip",
    group: "grpc-envelopes",
    runs: 200,
    arbitrary: fc.record({ ps: payloads, cuts: fc.array(fc.nat(), { maxLength: 8 }) }),
    check: ({ ps, cuts }: { ps: Uint8Array[]; cuts: number[] }) => {
      const bytes = Uint8Array.from(Buffer.concat(ps.map((p) => encodeEnvelope(p, p.length % 2 === 1))));
      const r = new EnvelopeReader(1 << 20);
      const got = chunked(bytes, cuts).flatMap((c) => r.push(c));
      assert.deepStrictEqual(got.map((e) => [e.compressed, Buffer.from(e.data).toString("hex")]), ps.map((p) => [p.length % 2 === 1, Buffer.from(p).toString("hex")]));
      assert.equal(r.pending, 0);
    },
  },
  {
    name: "grpc-decompress",
    group: "grpc-compression",
    runs: 300,
    arbitrary: fc.record({
      encoding,
      data: fc.oneof(fc.uint8Array({ maxLength: 60 }), mutated(fc.uint8Array({ maxLength: 200 }).map((d) => Uint8Array.from(gzipSync(d)))), mutated(fc.uint8Array({ maxLength: 200 }).map((d) => Uint8Array.from(deflateSync(d))))),
      limit: fc.constantFrom(0, 1, 50, 1 << 20),
    }),
    check: ({ encoding: enc, data, limit }: { encoding: Encoding; data: Uint8Array; limit: number }) => {
      const r = throwsOnly(() => decompress(enc, data, limit), GrpcError, grpcCodes);
      if ("value" in r) assert.ok(r.value.length <= Math.max(1, limit), "never more than the limit");
    },
  },
  {
    name: "grpc-compression-roundtrip",
    group: "grpc-compression",
    runs: 200,
    arbitrary: fc.record({ encoding: fc.constantFrom<Encoding>("gzip", "deflate"), data: fc.uint8Array({ maxLength: 300 }) }),
    check: ({ encoding: enc, data }: { encoding: Encoding; data: Uint8Array }) => {
      assert.deepStrictEqual(Buffer.from(decompress(enc, compress(enc, data), 1 << 20)), Buffer.from(data));
      if (data.length > 1) assert.throws(() => decompress(enc, compress(enc, data), data.length - 1), (e: unknown) => e instanceof GrpcError && e.code === Status.RESOURCE_EXHAUSTED);
    },
  },
  {
    name: "grpc-decode-message",
    group: "grpc-envelopes",
    runs: 300,
    // Any flag byte: 0 and 1 are the valid ones, others must be refused with INTERNAL (as grpc-go does), not thrown.
    arbitrary: fc.record({ flags: fc.integer({ min: 0, max: 255 }), encoding, data: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }).map((d) => Uint8Array.from(gzipSync(d)))) }),
    check: ({ flags, encoding: enc, data }: { flags: number; encoding: Encoding; data: Uint8Array }) => {
      const envelope = { compressed: (flags & 1) === 1, trailers: (flags & 0x80) !== 0, flags, data };
      throwsOnly(() => decodeMessage(HealthCheckResponse, envelope, enc, 1 << 16, "response"), GrpcError, grpcCodes);
    },
  },
  {
    name: "grpc-web-trailers-block",
    group: "grpc-web",
    runs: 300,
    arbitrary: fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,12}$/), latin1(20)), { maxLength: 5 }).map((kv) => Uint8Array.from(Buffer.from(kv.map(([k, v]) => `${k}: ${v}\r\n`).join(""), "latin1")))),
    check: (payload: Uint8Array) => void throwsOnly(() => parseTrailersBlock(payload), GrpcError, grpcCodes),
  },
  {
    name: "grpc-web-trailers-roundtrip",
    group: "grpc-web",
    runs: 200,
    arbitrary: fc.dictionary(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/), { maxKeys: 5 }),
    check: (trailers: Record<string, string>) => {
      const frame = encodeTrailersFrame(trailers);
      assert.equal(frame[0], 0x80);
      assert.deepStrictEqual(parseTrailersBlock(frame.subarray(5)), { ...trailers });
    },
  },
  {
    name: "grpc-web-text-decoder",
    group: "grpc-web",
    runs: 400,
    arbitrary: fc.record({
      pieces: fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 5 }),
      noise: fc.option(fc.tuple(fc.nat(), latin1(3)), { nil: undefined }),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
    }),
    check: ({ pieces, noise, cuts }: { pieces: Uint8Array[]; noise: [number, string] | undefined; cuts: number[] }) => {
      // A sender base64-encodes each flush on its own: padding may come mid-body.
      let text = pieces.map((p) => Buffer.from(p).toString("base64")).join("");
      if (noise) { const at = noise[0] % (text.length + 1); text = text.slice(0, at) + noise[1] + text.slice(at); }
      const d = new Base64StreamDecoder();
      const out: Buffer[] = [];
      const r = throwsOnly(() => { for (const c of chunked(Buffer.from(text, "latin1"), cuts)) out.push(Buffer.from(d.push(c))); }, GrpcError, grpcCodes);
      if (!noise) {
        assert.ok("value" in r, "base64 of whole flushes decodes");
        assert.deepStrictEqual(Buffer.concat(out), Buffer.concat(pieces), "to the bytes sent");
        assert.equal(d.pending, 0);
      }
    },
  },
  {
    name: "grpc-web-body",
    group: "grpc-web",
    runs: 300,
    arbitrary: fc.record({
      messages: payloads,
      trailers: fc.dictionary(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.stringMatching(/^[\x21-\x7e]{0,12}$/), { maxKeys: 3 }),
      text: fc.boolean(),
      flushes: fc.array(fc.nat(), { maxLength: 3 }),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
      damage: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { nil: undefined, freq: 3 }),
    }),
    // A whole gRPC-Web response body as the client transport reads it: base64 text (each flush encoded on its own) or
    // bytes, then envelopes, the last one the trailers frame. Cut anywhere, it gives back what was sent; damaged, it
    // fails only with GrpcError.
    check: ({ messages, trailers, text, flushes, cuts, damage }: { messages: Uint8Array[]; trailers: Record<string, string>; text: boolean; flushes: number[]; cuts: number[]; damage: [number, number] | undefined }) => {
      const body = Buffer.concat([...messages.map((m) => encodeEnvelope(m)), encodeTrailersFrame(trailers)]);
      let wire: Uint8Array = text ? Buffer.from(chunked(body, flushes).map((c) => Buffer.from(c).toString("base64")).join(""), "latin1") : body;
      if (damage) { wire = Uint8Array.from(wire); wire[damage[0] % wire.length] = damage[1]; }
      const decoder = text ? new Base64StreamDecoder() : undefined;
      const reader = new EnvelopeReader(1 << 16);
      const got: Uint8Array[] = [];
      let gotTrailers: Record<string, string> | undefined;
      const r = throwsOnly(() => {
        for (const c of chunked(wire, cuts)) {
          for (const e of reader.push(decoder ? decoder.push(c) : c)) {
            if (gotTrailers) throw new GrpcError(Status.INTERNAL, "a frame after the trailers");
            if (e.trailers) gotTrailers = parseTrailersBlock(e.data);
            else got.push(e.data);
          }
        }
      }, GrpcError, grpcCodes);
      if (damage) return;
      assert.ok("value" in r, "an undamaged body decodes");
      assert.deepStrictEqual(got.map((m) => Buffer.from(m).toString("hex")), messages.map((m) => Buffer.from(m).toString("hex")));
      assert.deepStrictEqual(gotTrailers, { ...trailers });
      assert.equal(reader.pending, 0);
    },
  },
  {
    name: "grpc-timeout",
    group: "grpc-headers",
    runs: 400,
    arbitrary: fc.oneof(fc.string({ maxLength: 12 }), fc.tuple(fc.stringMatching(/^\d{0,10}$/), fc.constantFrom("H", "M", "S", "m", "u", "n", "x", "")).map(([d, u]) => d + u)),
    check: (header: string) => {
      const ms = parseTimeout(header);
      if (ms === undefined) return;
      assert.ok(Number.isFinite(ms) && ms >= 0, `${header}: ${ms}`);
      assert.match(header, /^\d{1,8}[HMSmun]$/);
      const again = parseTimeout(encodeTimeout(ms));
      assert.ok(again !== undefined && again >= ms - 1e-9 && again <= ms * 1.0001 + 1e-6, `${header} -> ${ms} -> ${encodeTimeout(ms)} -> ${again}`);
    },
  },
  {
    name: "grpc-timeout-encode",
    group: "grpc-headers",
    runs: 200,
    arbitrary: fc.oneof(fc.double({ min: -10, max: 1e12, noNaN: true }), fc.nat()),
    check: (ms: number) => {
      const text = encodeTimeout(ms);
      const back = parseTimeout(text);
      assert.ok(back !== undefined, `${ms} -> ${text} parses`);
      if (ms > 0 && ms < 99999999 * 3_600_000) assert.ok(back >= ms - 1e-9, `${ms} -> ${text} -> ${back}: never shorter`);
    },
  },
  {
    name: "grpc-status-fields",
    group: "grpc-headers",
    runs: 300,
    arbitrary: fc.record({
      status: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom("0", "2", "13", "17", "99", "-1", "1e3")),
      message: fc.oneof(latin1(30), fc.string({ maxLength: 20 }).map(encodeStatusMessage).chain((m) => mutated(fc.constant(Uint8Array.from(Buffer.from(m, "latin1")))).map((b) => Buffer.from(b).toString("latin1")))),
      details: fc.oneof(fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b).toString("base64"))),
      extra: fc.dictionary(fc.oneof(fc.stringMatching(/^[a-z0-9_.-]{1,8}(-bin)?$/), fc.string({ maxLength: 6 })), fc.oneof(latin1(20), fc.array(latin1(10), { maxLength: 3 })), { maxKeys: 4 }),
    }),
    check: ({ status, message, details, extra }: { status: string; message: string; details: string; extra: Record<string, string | string[]> }) => {
      const fields = { ...extra, "grpc-status": status, "grpc-message": message, "grpc-status-details-bin": details };
      const error = statusFromFields(fields, () => {});
      const md = Metadata.fromHeaders(fields);
      for (const [k, vs] of Object.entries(md.toJSON())) for (const v of vs) assert.equal(typeof v === "string", !k.endsWith("-bin"));
      if (error) assert.ok(error instanceof GrpcError);
    },
  },
  {
    name: "grpc-status-message-roundtrip",
    group: "grpc-headers",
    runs: 200,
    arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }),
    check: (message: string) => {
      const wire = encodeStatusMessage(message);
      assert.match(wire, /^[\x20-\x7e]*$/, "printable ASCII on the wire");
      assert.equal(decodeStatusMessage(wire), message);
    },
  },
  ...http1Properties,
];
