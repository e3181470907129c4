import { methodKind, methodLocalNamesOf } from "@tsgrpc/protobuf/codegen-support";
import type { MessageInfo, ServiceInfo } from "@tsgrpc/protobuf";
import type { CodeWriter } from "./code-writer.js";
import type { Comments } from "./comments.js";
import { key } from "./ts-names.js";

/** A service as a ServiceDefinition: the one shape servers, clients, reflection and the CLI all use. */
export function generateService(out: CodeWriter, s: ServiceInfo, name: string, fileExport: string, ref: (info: MessageInfo) => string, comments: Comments, path: number[], fileDeprecated: boolean): void {
  comments.write(out, path, { generatedFrom: `service ${s.typeName}`, deprecated: fileDeprecated || s.proto.options?.["deprecated"] === true });
  out.block(`export const ${name} = {`, () => {
    out.line(`typeName: ${JSON.stringify(s.typeName)},`);
    out.line(`file: ${fileExport},`);
    out.block("methods: {", () => {
      const keys = methodLocalNamesOf(s.methods.map((m) => m.name));
      s.methods.forEach((m, i) => {
        comments.write(out, [...path, 2, i], { generatedFrom: `rpc ${s.typeName}.${m.name}`, deprecated: m.proto.options?.["deprecated"] === true });
        const level = m.proto.options?.["idempotencyLevel"];
        const idempotent = level === 1 || level === 2 ? ", idempotent: true" : "";
        out.line(
          `${key(keys[i]!)}: { name: ${JSON.stringify(m.name)}, path: ${JSON.stringify(m.path)}, kind: ${JSON.stringify(methodKind(m.clientStreaming, m.serverStreaming))}, input: ${ref(m.input)}, output: ${ref(m.output)}${idempotent} },`,
        );
      });
    }, "},");
  }, "} as const satisfies $ServiceDefinition;");
  out.line();
}
