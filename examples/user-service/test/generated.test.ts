import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { generateFile } from "@tsgrpc/codegen";
import { getDescriptorRegistry, Registry } from "@tsgrpc/protobuf/codegen-support";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

test("src/gen is what tsgrpc generates from user_service.proto today", () => {
  const compiler = new Compiler({ includePaths: [here("../../")] });
  const files = compiler.withImports(compiler.compile(["user_service.proto"]));
  const generated = generateFile(files[0]!, Registry.from(files), getDescriptorRegistry());
  const committed = readFileSync(here("../../src/gen/user_service_pb.ts"), "utf8");
  assert.ok(
    generated.content === committed,
    "stale: run `npx tsgrpc gen -I examples/user-service --out examples/user-service/src/gen user_service.proto`",
  );
});
