import { writeFileSync } from "node:fs";
import { RestRouteError } from "@tsgrpc/grpc";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import type { FlagSpec } from "./cli-args.js";
import { compileFiles, INCLUDE_FLAG } from "./compile-command.js";
import { CliError } from "./errors.js";
import { commentsOf, openApiDocument } from "./openapi/openapi-document.js";
import { runCommand } from "./run-command.js";

export const OPENAPI_USAGE = `usage: tsgrpc openapi -I DIR [-I DIR...] FILE.proto... [-o FILE] [--title TITLE] [--api-version VERSION]
  Writes an OpenAPI 3.1 document (JSON) for the REST routes that the files' (google.api.http) method options
  declare, as tsgrpc's server transcodes them: paths and parameters, request and response bodies in protobuf's JSON
  form, errors as google.rpc.Status, comments as descriptions. -o FILE writes it there instead of stdout.`;

const OPENAPI_FLAGS: readonly FlagSpec[] = [INCLUDE_FLAG, { names: ["-o", "--output"], value: "FILE" }, { names: ["--title"], value: "TITLE" }, { names: ["--api-version"], value: "VERSION" }];

export function runOpenApi(argv: string[]): Promise<number> {
  return runCommand("openapi", OPENAPI_USAGE, OPENAPI_FLAGS, argv, (args) => {
    const files = args.expect(1, Infinity, "a .proto file");
    const { compiler, compiled } = compileFiles(args.values("-I"), files);
    const all = compiler.withImports(compiled);
    const registry = Registry.from(all);
    const names = new Set(compiled.map((f) => f.name));
    const services = [...registry.services.values()].filter((s) => names.has(s.file.name));
    let document;
    try {
      document = openApiDocument(services, {
        title: args.value("--title") ?? (services.map((s) => s.typeName).join(", ") || "API"),
        version: args.value("--api-version") ?? "0.0.0",
        comments: commentsOf(all),
        warn: (message) => process.stderr.write(`tsgrpc openapi: ${message}\n`),
      });
    } catch (e) {
      if (e instanceof RestRouteError) throw new CliError(e.message);
      throw e;
    }
    const text = JSON.stringify(document, null, 2) + "\n";
    const out = args.value("-o");
    if (out === undefined || out === "-") process.stdout.write(text);
    else writeFileSync(out, text);
    return 0;
  });
}
