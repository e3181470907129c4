// Regenerates the runtime's copy of descriptor.proto (packages/protobuf/src/descriptor/descriptor-proto.ts) from
// packages/compiler/proto/google/protobuf/descriptor.proto. A test fails when the two drift apart.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { descriptorLiteralModule } from "@tsgrpc/codegen";

const [file] = new Compiler().compile(["google/protobuf/descriptor.proto"]);
const target = fileURLToPath(new URL("../packages/protobuf/src/descriptor/descriptor-proto.ts", import.meta.url));
writeFileSync(target, descriptorLiteralModule(file));
console.log(`wrote ${target}`);
