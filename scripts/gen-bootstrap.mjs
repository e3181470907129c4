// Regenerates the code tsgrpc's own packages carry (see bootstrap-files.mjs for what and why).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bootstrapFiles } from "./bootstrap-files.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
for (const dir of ["packages/protobuf/src/wkt/gen", "packages/grpc/src/gen"]) rmSync(join(root, dir), { recursive: true, force: true });
for (const { path, content } of bootstrapFiles()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
