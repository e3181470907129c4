import { methodKind } from "@tsgrpc/protobuf";
import type { ServiceInfo } from "@tsgrpc/protobuf";
import type { CodeWriter } from "./code-writer.js";
import type { Comments } from "./comments.js";
import type { TypeRefs } from "./generate-message.js";
import { methodLocalName, tsName } from "./ts-names.js";

/** A service as a ServiceDefinition: the one shape servers, clients, reflection and the CLI all use. */
export function generateService(out: CodeWriter, s: ServiceInfo, refs: TypeRefs, comments: Comments, path: number[]): void {
  comments.write(out, path, `@generated from service ${s.typeName}`);
  out.block(`export const ${tsName(s)} = {`, () => {
    out.line(`typeName: ${JSON.stringify(s.typeName)},`);
    out.line("file: $file,");
    out.block("methods: {", () => {
      s.methods.forEach((m, i) => {
        comments.write(out, [...path, 2, i]);
        const level = m.proto.options?.["idempotencyLevel"];
        const idempotent = level === 1 || level === 2 ? ", idempotent: true" : "";
        out.line(
          `${methodLocalName(m.name)}: { name: ${JSON.stringify(m.name)}, path: ${JSON.stringify(m.path)}, kind: ${JSON.stringify(methodKind(m.clientStreaming, m.serverStreaming))}, input: ${refs.ref(m.input)}, output: ${refs.ref(m.output)}${idempotent} },`,
        );
      });
    }, "},");
  }, "} as const satisfies ServiceDefinition;");
  out.line();
}
