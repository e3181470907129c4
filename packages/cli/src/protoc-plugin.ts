/**
 * protoc-gen-tsgrpc: the TypeScript generator as a protoc (or buf) plugin. protoc writes a CodeGeneratorRequest to
 * stdin; this answers with a CodeGeneratorResponse holding one `_pb.ts` module per file to generate.
 *   protoc --plugin=protoc-gen-tsgrpc=node_modules/.bin/protoc-gen-tsgrpc --tsgrpc_out=gen -I . my.proto
 */
import { generateFile, isProvided, type GenerateOptions } from "@tsgrpc/codegen";
import { Compiler } from "@tsgrpc/compiler";
import { getDescriptorRegistry, messageType, Registry } from "@tsgrpc/protobuf/codegen-support";
import type { FileDescriptorProto } from "@tsgrpc/protobuf";

const FEATURE_PROTO3_OPTIONAL = 1n;

/** Answers a serialized CodeGeneratorRequest with a serialized CodeGeneratorResponse. */
export function runPlugin(requestBytes: Uint8Array): Uint8Array {
  // plugin.proto ships with the compiler's bundled well-known types.
  const compiler = new Compiler();
  const pluginRegistry = Registry.from(compiler.withImports(compiler.compile(["google/protobuf/compiler/plugin.proto"])));
  const Request = messageType(pluginRegistry.getMessage("google.protobuf.compiler.CodeGeneratorRequest")!);
  const Response = messageType(pluginRegistry.getMessage("google.protobuf.compiler.CodeGeneratorResponse")!);
  const request = Request.decode(requestBytes);
  try {
    const protoFiles = request["protoFile"] as FileDescriptorProto[];
    const registry = Registry.from(protoFiles);
    const byName = new Map(protoFiles.map((f) => [f.name!, f]));
    const options = pluginOptions((request["parameter"] as string | undefined) ?? "");
    // The well-known types and google.rpc's files come with the runtime packages, which generated code imports.
    const file = (request["fileToGenerate"] as string[]).filter((name) => !isProvided(name)).map((name) => {
      const generated = generateFile(byName.get(name)!, registry, getDescriptorRegistry(), options);
      return { name: generated.name, content: generated.content };
    });
    return Response.encode(Response.create({ supportedFeatures: FEATURE_PROTO3_OPTIONAL, file }));
  } catch (e) {
    return Response.encode(Response.create({ error: (e as Error).message }));
  }
}


/**
 * The plugin's parameter (`--tsgrpc_opt=enum_style=const,import_extension=.ts`), as protoc-gen-es spells its options:
 * `enum_style=enum|const` and `import_extension=.js|.ts|none`. Anything else is an error protoc reports.
 */
export function pluginOptions(parameter: string): GenerateOptions {
  const options: GenerateOptions = {};
  for (const part of parameter.split(",").filter((p) => p.trim() !== "")) {
    const [key, value = ""] = part.split("=").map((x) => x.trim());
    if (key === "enum_style" && (value === "enum" || value === "const")) options.enumStyle = value;
    else if (key === "import_extension" && (value === ".js" || value === ".ts" || value === "none")) options.importExtension = value === "none" ? "" : value;
    else throw new Error(`unknown option "${part}" (protoc-gen-tsgrpc takes enum_style=enum|const and import_extension=.js|.ts|none)`);
  }
  return options;
}
