import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Http2Error } from "../src/errors.js";
import { HpackDecoder } from "../src/hpack/decoder.js";
import { HpackEncoder } from "../src/hpack/encoder.js";
import { huffmanDecode, huffmanEncode, huffmanLength } from "../src/hpack/huffman.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const pairs = (fields: string[]) => fields.flatMap((f, i) => (i % 2 ? [] : [[f, fields[i + 1]]]));
const NO_LIMIT = 1 << 30;

// RFC 7541 Appendix C: the same three requests without Huffman coding (C.3) and with it (C.4), decoded by one decoder
// each, so that the dynamic table carries from one to the next; then the table sizes the RFC gives.
const requests = [
  [[":method", "GET"], [":scheme", "http"], [":path", "/"], [":authority", "www.example.com"]],
  [[":method", "GET"], [":scheme", "http"], [":path", "/"], [":authority", "www.example.com"], ["cache-control", "no-cache"]],
  [[":method", "GET"], [":scheme", "https"], [":path", "/index.html"], [":authority", "www.example.com"], ["custom-key", "custom-value"]],
];
const tableSizes = [57, 110, 164];

for (const [section, blocks] of [
  ["C.3", ["8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865", "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"]],
  ["C.4", ["8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf", "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"]],
] as const) {
  test(`RFC 7541 ${section}: requests decode to the RFC's fields and table sizes`, () => {
    const decoder = new HpackDecoder();
    blocks.forEach((block, i) => {
      const { fields, tooLarge } = decoder.decode(hex(block), NO_LIMIT);
      assert.equal(tooLarge, false);
      assert.deepEqual(pairs(fields), requests[i]);
      assert.equal(decoder.tableSize, tableSizes[i]);
    });
  });
}

test("RFC 7541 C.4: our encoder writes the RFC's bytes for the same requests (Huffman, incremental indexing)", () => {
  const encoder = new HpackEncoder();
  const expected = ["828684418cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf", "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"];
  requests.forEach((fields, i) => {
    // :path is never indexed by our encoder (it changes per call); the RFC's requests only use static :path entries.
    assert.equal(encoder.encode(fields.flat()).toString("hex"), expected[i]);
  });
});

test("RFC 7541 C.5: responses with a 256-octet table evict the oldest entries", () => {
  const decoder = new HpackDecoder(256);
  decoder.setMaxTableSize(256);
  // The table size update that lowers the peer's table to 256 (the RFC's setup), then C.5.1 and C.5.2.
  const first = decoder.decode(Buffer.concat([hex("3fe101"), hex("4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d")]), NO_LIMIT);
  assert.deepEqual(pairs(first.fields), [[":status", "302"], ["cache-control", "private"], ["date", "Mon, 21 Oct 2013 20:13:21 GMT"], ["location", "https://www.example.com"]]);
  assert.equal(decoder.tableSize, 222);
  const second = decoder.decode(hex("4803 3330 37c1 c0bf"), NO_LIMIT);
  assert.deepEqual(pairs(second.fields), [[":status", "307"], ["cache-control", "private"], ["date", "Mon, 21 Oct 2013 20:13:21 GMT"], ["location", "https://www.example.com"]]);
  assert.equal(decoder.tableSize, 222);
});

test("Huffman: every byte value round-trips, and bad padding or EOS is a COMPRESSION_ERROR", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (const input of [all, all.slice().reverse(), Buffer.from("www.example.com"), new Uint8Array(0)]) {
    const out = new Uint8Array(huffmanLength(input));
    assert.equal(huffmanEncode(input, out, 0), out.length);
    assert.deepEqual(Buffer.from(huffmanDecode(out, 0, out.length)), Buffer.from(input));
  }
  assert.deepEqual(Buffer.from(huffmanDecode(hex("f1e3c2e5f23a6ba0ab90f4ff"), 0, 12)).toString(), "www.example.com");
  assert.throws(() => huffmanDecode(hex("f1e3c2e5f23a6ba0ab90f4fe"), 0, 12), Http2Error); // padding not all ones
  assert.throws(() => huffmanDecode(hex("f1e3c2e5f23a6ba0ab90f4ff ff"), 0, 13), Http2Error); // padding longer than 7 bits
  assert.throws(() => huffmanDecode(hex("ffffffff"), 0, 4), Http2Error); // EOS
});

test("the encoder indexes repeated fields: a gRPC response's headers take 3 bytes from the second time on", () => {
  const encoder = new HpackEncoder();
  const decoder = new HpackDecoder();
  const headers = [":status", "200", "content-type", "application/grpc", "grpc-accept-encoding", "identity,deflate,gzip"];
  const first = encoder.encode(headers);
  const second = encoder.encode(headers);
  assert.equal(second.length, 3);
  assert.ok(first.length > 20);
  assert.deepEqual(decoder.decode(first, NO_LIMIT).fields, headers);
  assert.deepEqual(decoder.decode(second, NO_LIMIT).fields, headers);
  // Secrets are never indexed.
  const secret = encoder.encode(["authorization", "Bearer abc"]);
  assert.equal(secret[0]! & 0xf0, 0x10);
});

test("a table size update: the encoder signals the smallest and the final size; the decoder refuses one above its limit or after a field", () => {
  const encoder = new HpackEncoder();
  const decoder = new HpackDecoder();
  decoder.decode(encoder.encode(["x-a", "1", "x-b", "2"]), NO_LIMIT);
  encoder.setMaxTableSize(0);
  encoder.setMaxTableSize(100);
  const block = encoder.encode(["x-a", "1"]);
  assert.equal(block[0], 0x20); // size 0 first: everything evicted
  assert.deepEqual(decoder.decode(block, NO_LIMIT).fields, ["x-a", "1"]);
  assert.throws(() => new HpackDecoder(4096).decode(hex("3fe21f"), NO_LIMIT), /above the 4096 allowed/);
  assert.throws(() => new HpackDecoder().decode(hex("82 20"), NO_LIMIT), /after a header field/);
});

test("literals repeated without indexing (as nghttp2 sends :path) decode the same from the decoder's memory, lookalikes included", () => {
  // Literal without indexing, name from the static table (4 = :path), plain or Huffman value.
  const literal = (value: string, huffman: boolean) => {
    const plain = Buffer.from(value, "latin1");
    const bytes = huffman ? Buffer.alloc(huffmanLength(plain)) : plain;
    if (huffman) huffmanEncode(plain, bytes, 0);
    return Buffer.concat([Buffer.from([0x04, (huffman ? 0x80 : 0) | bytes.length]), bytes]);
  };
  const decoder = new HpackDecoder();
  // Same length, same first and last byte: the same memory slot, different values.
  const paths = ["/svc.A/GetUser", "/svc.B/GetUser", "/svc.A/GetUser", "/svc.C/GetUser", "/svc.B/GetUser"];
  for (let round = 0; round < 3; round++) {
    for (const path of paths) {
      for (const huffman of [false, true]) assert.deepEqual(decoder.decode(literal(path, huffman), NO_LIMIT).fields, [":path", path]);
    }
  }
  // A block decoded from a buffer that is later overwritten (as a socket's may be) does not change what was remembered.
  const reused = literal("/svc.A/GetUser", false);
  decoder.decode(reused, NO_LIMIT);
  literal("/svc.D/GetUser", false).copy(reused);
  assert.deepEqual(decoder.decode(literal("/svc.D/GetUser", false), NO_LIMIT).fields, [":path", "/svc.D/GetUser"]);
});

test("bad blocks are COMPRESSION_ERRORs: index 0, past the table, cut integers and strings, huge integers", () => {
  for (const bad of ["80", "be", "ff", "ff80", "0f", "400a6375", "ffffffffff0f", "41ff"]) {
    assert.throws(() => new HpackDecoder().decode(hex(bad), NO_LIMIT), (e: Http2Error) => e instanceof Http2Error && e.code === 9, bad);
  }
});

test("an HPACK bomb: a big entry referenced over and over stops being kept at the list limit, and the table stays in step", () => {
  const decoder = new HpackDecoder();
  const big = "x".repeat(4000);
  // "x-big: xxx..." with incremental indexing (value length 4000 = 127 + 0x21 + 0x1e * 128), then 10,000 one-byte
  // references to it (0xbe: index 62): 40 MB of headers from 14 KB.
  const literal = Buffer.concat([Buffer.from([0x40, 5]), Buffer.from("x-big"), Buffer.from([0x7f, 0xa1, 0x1e]), Buffer.from(big)]);
  const { fields, tooLarge } = decoder.decode(Buffer.concat([literal, Buffer.alloc(10_000, 0xbe)]), 16_384);
  assert.equal(tooLarge, true);
  assert.ok(fields.length / 2 <= 4, `${fields.length / 2} fields kept`);
  assert.deepEqual(decoder.decode(Buffer.from([0xbe]), NO_LIMIT).fields, ["x-big", big]);
});

test("fuzz: random and mutated blocks only ever throw COMPRESSION_ERROR, and stay within the table limit", () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const encoder = new HpackEncoder();
  const valid = encoder.encode(requests[2]!.flat());
  for (let i = 0; i < 20_000; i++) {
    const block = i % 2 ? Uint8Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256)) : Uint8Array.from(valid, (b) => (random() < 0.1 ? Math.floor(random() * 256) : b));
    const decoder = new HpackDecoder();
    try {
      decoder.decode(block, 16_384);
    } catch (e) {
      assert.ok(e instanceof Http2Error && e.code === 9, String(e));
    }
    assert.ok(decoder.tableSize <= 4096);
  }
});

// Python's hpack (Debian python3-hpack), an independent implementation: each side decodes what the other encodes.
const PYTHON = "/usr/bin/python3";
const hasPythonHpack = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import hpack"]).status === 0;
test("differential with Python's hpack: blocks encoded by each are decoded by the other, table state carried across blocks", { skip: hasPythonHpack ? false : "no python3-hpack (apt-get install python3-hpack)" }, () => {
  let seed = 7;
  const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000) * n);
  const names = [":status", "content-type", "grpc-status", "grpc-message", "x-user", "x-trace-bin", "authorization", "cache-control", "date", "x-long"];
  const text = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + random(95))).join("");
  const blocks = Array.from({ length: 200 }, () => Array.from({ length: 1 + random(8) }, () => [names[random(names.length)]!, random(4) === 0 ? text(random(300)) : `v${random(5)}`]).flat());
  const encoder = new HpackEncoder();
  const ours = blocks.map((b) => encoder.encode(b).toString("hex"));
  const script = `
import sys, json
from hpack import Encoder, Decoder
data = json.load(sys.stdin)
d = Decoder(); d.max_header_list_size = 1 << 30
decoded = [[[n, v] for n, v in d.decode(bytes.fromhex(h), raw=False)] for h in data["ours"]]
e = Encoder()
encoded = [e.encode([(b[i], b[i + 1]) for i in range(0, len(b), 2)]).hex() for b in data["blocks"]]
json.dump({"decoded": decoded, "encoded": encoded}, sys.stdout)
`;
  const run = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify({ ours, blocks }), encoding: "utf8", maxBuffer: 1 << 26 });
  assert.equal(run.status, 0, run.stderr);
  const { decoded, encoded } = JSON.parse(run.stdout) as { decoded: string[][][]; encoded: string[] };
  blocks.forEach((b, i) => assert.deepEqual(decoded[i]!.flat(), b, `python decoding our block ${i}`));
  const decoder = new HpackDecoder();
  encoded.forEach((h, i) => assert.deepEqual(decoder.decode(hex(h), NO_LIMIT).fields, blocks[i], `our decoding of python's block ${i}`));
});
