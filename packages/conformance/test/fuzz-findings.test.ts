import { test } from "node:test";
import assert from "node:assert/strict";
import { createMessageType } from "@tsgrpc/protobuf";
import { loadTestSchemas } from "../src/test-schemas.js";

// What the fuzz properties found (issue 18), each checked on its own; the inputs are also in fuzz/regressions/.
const { registry } = loadTestSchemas();

test('JSON "-0" and -0 in an integer field read as 0, not -0 (fuzz: protobuf-json-vs-bufbuild, 61a7c057ecb6de38)', () => {
  for (const name of ["protobuf_test_messages.proto3.TestAllTypesProto3", "protobuf_test_messages.proto2.TestAllTypesProto2"]) {
    const type = createMessageType(registry.getMessage(name)!);
    for (const text of ['{"optionalInt32":"-0"}', '{"optionalInt32":-0}', '{"optionalUint32":"-0"}', '{"optionalSfixed32":-0}']) {
      const m = type.fromJsonString(text) as Record<string, unknown>;
      const field = Object.keys(JSON.parse(text) as object)[0]!;
      assert.ok(Object.is(m[field], 0), `${name} ${text}: +0, got ${Object.is(m[field], -0) ? "-0" : String(m[field])}`);
      assert.deepStrictEqual(type.decode(type.encode(m)), m, `${name} ${text}: equal to its binary round trip`);
    }
  }
});
