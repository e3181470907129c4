import { test } from "node:test";
import assert from "node:assert/strict";
import { Base64StreamDecoder, parseTrailersBlock } from "../src/protocol/grpc-web.js";

// What the fuzz properties found (issue 18), each checked on its own; the inputs are also in fuzz/regressions/.

test("grpc-web-text: a body cut inside its padding (\"AA=\" then \"=\") decodes (fuzz: grpc-web-text-decoder)", () => {
  for (const text of ["AA==", "AAA=", "AA==AAA=", "AAAAAA=="]) {
    const whole = Buffer.from(new Base64StreamDecoder().push(Buffer.from(text)));
    for (let cut = 0; cut <= text.length; cut++) {
      const d = new Base64StreamDecoder();
      const got = Buffer.concat([d.push(Buffer.from(text.slice(0, cut))), d.push(Buffer.from(text.slice(cut)))]);
      assert.deepStrictEqual(got, whole, `${text} cut at ${cut}`);
      assert.equal(d.pending, 0);
    }
  }
  assert.throws(() => new Base64StreamDecoder().push(Buffer.from("A=AA")), /not base64/, "a misplaced = still fails");
});

test('a gRPC-Web trailer named "constructor" or "__proto__" is read as sent (fuzz: grpc-web-trailers-roundtrip, eb8ddbe23c31f46b)', () => {
  const t = parseTrailersBlock(Buffer.from("constructor: !\r\n__proto__: x\r\ngrpc-status: 0\r\n", "latin1"));
  assert.equal(Object.getPrototypeOf(t), Object.prototype);
  assert.deepStrictEqual(Object.entries(t), [["constructor", "!"], ["__proto__", "x"], ["grpc-status", "0"]]);
});
