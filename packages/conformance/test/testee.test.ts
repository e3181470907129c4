import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { messageType } from "@tsgrpc/protobuf/codegen-support";
import { loadTestSchemas } from "../src/test-schemas.js";

// Drives conformance/testee the way the official runner does: length-prefixed ConformanceRequests on stdin,
// ConformanceResponses on stdout, from a working directory that is not the repository.
const { registry } = loadTestSchemas();
const Request = messageType(registry.getMessage("conformance.ConformanceRequest")!);
const Response = messageType(registry.getMessage("conformance.ConformanceResponse")!);
const TestAllTypes = messageType(registry.getMessage("protobuf_test_messages.proto3.TestAllTypesProto3")!);
const testee = fileURLToPath(new URL("../../../../conformance/testee", import.meta.url));

const binary = (value: Uint8Array) => ({ case: "protobufPayload", value });
const json = (value: string) => ({ case: "jsonPayload", value });

/** The response's `result` oneof value, checked to be the expected member. */
function result(response: Record<string, unknown>, member: string): unknown {
  const r = response["result"] as { case: string; value: unknown };
  assert.equal(r.case, member, JSON.stringify(r));
  return r.value;
}

function exchange(requests: Record<string, unknown>[]): Record<string, unknown>[] {
  const frames = requests.map((r) => {
    const body = Request.encode(Request.create(r));
    const frame = Buffer.alloc(4 + body.length);
    frame.writeUInt32LE(body.length, 0);
    frame.set(body, 4);
    return frame;
  });
  const run = spawnSync(testee, [], { input: Buffer.concat(frames), cwd: "/", maxBuffer: 1 << 24 });
  assert.equal(run.status, 0, run.stderr.toString());
  const out: Record<string, unknown>[] = [];
  for (let pos = 0; pos < run.stdout.length; ) {
    const len = run.stdout.readUInt32LE(pos);
    out.push(Response.decode(run.stdout.subarray(pos + 4, pos + 4 + len)));
    pos += 4 + len;
  }
  return out;
}

test("the conformance testee answers the runner's protocol from any working directory", () => {
  const message = TestAllTypes.create({ optionalInt32: 42, optionalString: "hi", repeatedInt64: [1n, -2n] });
  const [failureSet, toJson, toBinary, bad, unknownJson] = exchange([
    { messageType: "conformance.FailureSet", payload: binary(new Uint8Array(0)), requestedOutputFormat: 1 },
    { messageType: TestAllTypes.typeName, payload: binary(TestAllTypes.encode(message)), requestedOutputFormat: 2 },
    { messageType: TestAllTypes.typeName, payload: json('{"optionalInt32": 42, "optional_string": "hi", "repeatedInt64": ["1", -2]}'), requestedOutputFormat: 1 },
    { messageType: TestAllTypes.typeName, payload: binary(Uint8Array.of(0x08, 0x80)), requestedOutputFormat: 1 },
    { messageType: TestAllTypes.typeName, payload: json('{"unknownField": 1}'), requestedOutputFormat: 2, testCategory: 3 },
  ]);
  assert.deepEqual(failureSet!["result"], { case: "protobufPayload", value: new Uint8Array(0) });
  assert.equal(result(toJson!, "jsonPayload"), JSON.stringify({ optionalInt32: 42, optionalString: "hi", repeatedInt64: ["1", "-2"] }));
  assert.deepStrictEqual(TestAllTypes.decode(result(toBinary!, "protobufPayload") as Uint8Array), message);
  assert.match(result(bad!, "parseError") as string, /truncated varint/);
  assert.equal(result(unknownJson!, "jsonPayload"), "{}");
});
