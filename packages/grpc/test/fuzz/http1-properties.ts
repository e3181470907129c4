// Fuzz properties for tsgrpc's HTTP/1.1 request parser (server/http1/): request heads and chunked bodies, valid ones
// mutated byte by byte. The documented error is Http1Error with a 4xx/5xx status; a head or body read a piece at a
// time gives what it gives whole.
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { bodyDecoder } from "../../src/server/http1/body-decoder.js";
import { Http1Error } from "../../src/server/http1/http1-error.js";
import { parseRequestHead } from "../../src/server/http1/request-head.js";
import { mutated, throwsOnly, type FuzzProperty } from "@tsgrpc/testing";

const STATUSES = [400, 431, 501, 505];
const http1Statuses = (e: Error) => assert.ok(STATUSES.includes((e as Http1Error).status), `status ${(e as Http1Error).status}`);
const MAX_HEAD = 512;

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,8}$/);
const fieldValue = fc.stringMatching(/^[\x20-\x7e\t]{0,12}$/);
const heads = fc
  .record({
    method: fc.constantFrom("GET", "POST", "HEAD", "OPTIONS", "PUT"),
    target: fc.constantFrom("/", "/v1/users/1?x=1", "*", "http://h/p", "/a%20b"),
    version: fc.constantFrom("1.1", "1.0", "1.9", "2.0"),
    fields: fc.array(fc.tuple(fc.oneof(token, fc.constantFrom("Host", "Content-Length", "Transfer-Encoding", "Connection", "Expect")), fieldValue), { maxLength: 6 }),
    lead: fc.constantFrom("", "\r\n"),
  })
  .map(({ method, target, version, fields, lead }) =>
    Uint8Array.from(Buffer.from(`${lead}${method} ${target} HTTP/${version}\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`, "latin1")),
  );

/** Parses as the connection does: the head from a growing input, undefined until it is whole. */
function parseGrowing(bytes: Buffer, step: number): { status?: number; head?: unknown; bodyStart?: number } {
  for (let n = Math.min(step, bytes.length); ; n = Math.min(n + step, bytes.length)) {
    const r = throwsOnly(() => parseRequestHead(bytes.subarray(0, n), 0, MAX_HEAD), Http1Error, http1Statuses);
    if ("error" in r) return { status: (r.error as Http1Error).status };
    if (r.value !== undefined) return { head: r.value.head, bodyStart: r.value.bodyStart };
    if (n === bytes.length) return {};
  }
}

const chunkedBodies = fc
  .array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.constantFrom("", ";a=b", ' ; q="x y"')), { maxLength: 4 })
  .map((chunks) => ({
    body: Buffer.concat(chunks.map(([c]) => c)),
    wire: Buffer.concat([...chunks.flatMap(([c, ext]) => [Buffer.from(`${c.length.toString(16)}${ext}\r\n`), c, Buffer.from("\r\n")]), Buffer.from("0\r\nT: v\r\n\r\n")]),
  }));

/** Decodes `wire` as chunked, fed `step` bytes at a time: the body, where it ended, or the refusal's status. */
function decodeChunked(wire: Uint8Array, step: number): { body?: string; took?: number; status?: number } {
  const decoder = bodyDecoder({ kind: "chunked" });
  const bytes = Buffer.from(wire);
  let body = "";
  let took = 0;
  const r = throwsOnly(() => {
    for (let arrived = 0; arrived < bytes.length && !decoder.done; ) {
      arrived = Math.min(bytes.length, arrived + step);
      took += decoder.push(bytes.subarray(0, arrived), took, (c) => (body += c.toString("hex")));
    }
  }, Http1Error, http1Statuses);
  if ("error" in r) return { status: (r.error as Http1Error).status };
  return decoder.done ? { body, took } : {};
}

export const http1Properties: FuzzProperty[] = [
  {
    name: "http1-request-head",
    group: "http1",
    runs: 400,
    arbitrary: fc.record({ bytes: fc.oneof(heads, mutated(heads), fc.uint8Array({ maxLength: 60 })), step: fc.integer({ min: 1, max: 40 }) }),
    check: ({ bytes, step }: { bytes: Uint8Array; step: number }) => {
      const buffer = Buffer.from(bytes);
      const whole = parseGrowing(buffer, buffer.length || 1);
      const pieces = parseGrowing(buffer, step);
      // A refusal may come earlier from a prefix (a bare LF is refused before the head ends), never a different verdict on a whole head.
      if (whole.status === undefined) assert.deepStrictEqual(pieces, whole, "the same head however the bytes arrive");
      else assert.ok(pieces.status !== undefined, `refused whole (${whole.status}), accepted in pieces`);
      if (whole.head) {
        const head = whole.head as { headers: Record<string, unknown>; target: string };
        for (const [name, value] of Object.entries(head.headers)) {
          assert.match(name, /^[a-z0-9!#$%&'*+.^_`|~-]+$/, "field names are lower-case tokens");
          for (const v of [value].flat()) {
            assert.doesNotMatch(String(v), /[\r\n\0]/, "values carry no CR, LF or NUL");
            // Repeated fields are joined with ", " (as node:http joins them), empty ones too: only a lone value is trimmed.
            if (!String(v).includes(",")) assert.doesNotMatch(String(v), /^[ \t]|[ \t]$/, "a value without its outer whitespace");
          }
        }
        assert.ok(head.target === "*" || head.target.startsWith("/"), `target ${head.target}`);
      }
    },
  },
  {
    name: "http1-chunked-body",
    group: "http1",
    runs: 400,
    arbitrary: fc.record({ body: fc.oneof(chunkedBodies.map((c) => ({ ...c, mutated: false })), mutated(chunkedBodies.map((c) => Uint8Array.from(c.wire))).map((wire) => ({ wire, body: undefined, mutated: true }))), step: fc.integer({ min: 1, max: 30 }) }),
    check: ({ body: input, step }: { body: { wire: Uint8Array; body: Buffer | undefined; mutated: boolean }; step: number }) => {
      const whole = decodeChunked(input.wire, input.wire.length || 1);
      assert.deepStrictEqual(decodeChunked(input.wire, step), whole, "the same body however the bytes arrive");
      if (!input.mutated) assert.deepStrictEqual(whole, { body: input.body!.toString("hex"), took: input.wire.length });
    },
  },
];
