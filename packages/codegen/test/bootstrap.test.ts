import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { descriptorLiteralModule } from "../src/index.js";

test("the runtime's copy of descriptor.proto matches the bundled schema (run `npm run gen:bootstrap` if not)", () => {
  const [file] = new Compiler().compile(["google/protobuf/descriptor.proto"]);
  const committed = readFileSync(fileURLToPath(new URL("../../../protobuf/src/descriptor/descriptor-proto.ts", import.meta.url)), "utf8");
  assert.equal(descriptorLiteralModule(file!), committed);
});
