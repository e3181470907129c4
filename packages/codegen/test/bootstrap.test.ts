import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// What `npm run gen:bootstrap` writes (scripts/bootstrap-files.mjs): the runtime's literal copy of descriptor.proto,
// the well-known types of @tsgrpc/protobuf/wkt, and @tsgrpc/grpc's generated google.rpc, health and reflection code.
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const script = new URL("scripts/bootstrap-files.mjs", `file://${root}`).href;

test("the code tsgrpc's packages carry matches what its schemas generate (run `npm run gen:bootstrap` if not)", async () => {
  const { bootstrapFiles } = (await import(script)) as { bootstrapFiles: () => Array<{ path: string; content: string }> };
  const files = bootstrapFiles();
  assert.ok(files.length > 15, "every bootstrap file is checked");
  for (const { path, content } of files) assert.equal(readFileSync(root + path, "utf8"), content, path);
});
