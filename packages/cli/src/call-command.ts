import { createClient, findDetail, GrpcError } from "@tsgrpc/grpc";
import * as errorDetails from "@tsgrpc/grpc";
import type { MessageType } from "@tsgrpc/protobuf";
import { CliError } from "./errors.js";
import { CALL_HEADER_FLAGS, rpcMetadata } from "./headers.js";
import { resolveMethod } from "./method-target.js";
import { printMethod } from "./proto-printer.js";
import { DATA_FLAG, decodeRequests, readRequestTexts } from "./request-input.js";
import { runCommand } from "./run-command.js";
import { SchemaSource, SCHEMA_FLAGS } from "./schema-source.js";
import { TARGET_FLAGS, withTarget } from "./target.js";
import { CallReport } from "./verbose.js";

export const CALL_USAGE = `usage: tsgrpc call HOST:PORT pkg.Service/Method [-d JSON | -d @FILE | -d @] [-H 'key: value']... [--timeout MS]
                   [--rpc-header 'key: value']... [--reflect-header 'key: value']... [-v] [--emit-defaults]
                   [--plaintext | --cacert FILE [--cert FILE --key FILE]] [--lb pick_first|round_robin] [--proto FILE -I DIR]
  Calls a method with a request in proto3 JSON and prints the responses as JSON, as they arrive. -d takes the JSON,
  "@FILE" reads it from a file and "@" from stdin; several JSON values one after another (NDJSON, or any whitespace
  between them) are the messages of client and bidi streams. -H headers go with the call and with reflection,
  --rpc-header only with the call, --reflect-header only with reflection. -v prints the method, the request
  metadata and the response headers and trailers, as grpcurl -v does.`;

const CALL_FLAGS = [...TARGET_FLAGS, ...SCHEMA_FLAGS, ...CALL_HEADER_FLAGS, DATA_FLAG, { names: ["--timeout"], value: "MS" }, { names: ["--emit-defaults"] }, { names: ["-v", "--verbose"] }];

/** The standard error details a server sent, decoded where tsgrpc knows the type. */
function describeDetails(error: GrpcError): string[] {
  const known = [errorDetails.BadRequest, errorDetails.ErrorInfo, errorDetails.RetryInfo, errorDetails.DebugInfo, errorDetails.QuotaFailure, errorDetails.PreconditionFailure, errorDetails.RequestInfo, errorDetails.ResourceInfo, errorDetails.Help, errorDetails.LocalizedMessage] as unknown as MessageType[];
  return error.details.map((d) => {
    const type = known.find((t) => d.typeUrl.endsWith("/" + t.typeName));
    return type ? `${type.typeName} ${type.toJsonString(findDetail(error, type)!)}` : `${d.typeUrl} (${d.value.length} bytes)`;
  });
}

export function runCall(argv: string[]): Promise<number> {
  return runCommand("call", CALL_USAGE, CALL_FLAGS, argv, (args) => {
    const [target, methodPath] = args.expect(2, 2, "a target (HOST:PORT) and a method (pkg.Service/Method)");
    // Everything the command line alone decides is checked before connecting.
    const timeout = args.int("--timeout", 1);
    const metadata = rpcMetadata(args);
    const texts = readRequestTexts(args.value("-d"));
    const report = new CallReport(args.has("-v"), (text) => process.stdout.write(text));
    return withTarget(target!, args, async (channel) => {
      const { service, localName, method, registry } = await resolveMethod(new SchemaSource(args, channel), methodPath!);
      const requests = decodeRequests(texts, method.input, registry);
      const single = method.kind === "unary" || method.kind === "server_streaming";
      if (single && requests.length !== 1) throw new CliError(`${method.name} takes exactly one request, -d gave ${requests.length}`);
      const call = (createClient(service, channel) as Record<string, (r: unknown, o: unknown) => unknown>)[localName]!;
      const print = (m: object) => report.response(method.output.toJsonString(m, { registry, emitDefaults: args.has("--emit-defaults"), pretty: true }));
      report.start(printMethod(registry.getService(service.typeName)!.proto.method.find((m) => m.name === method.name)!), metadata);
      try {
        const result = call(single ? requests[0] : requests, report.listen({ metadata, ...(timeout ? { timeout } : {}) }));
        if (method.kind === "unary" || method.kind === "client_streaming") print((await result) as object);
        else for await (const m of result as AsyncIterable<object>) print(m);
      } catch (e) {
        if (e instanceof GrpcError && e.details.length) for (const line of describeDetails(e)) process.stderr.write(`  detail: ${line}\n`);
        throw e;
      } finally {
        report.end(requests.length);
      }
      return 0;
    });
  });
}
