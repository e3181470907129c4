import { createClient, findDetail, GrpcError, Status } from "@tsgrpc/grpc";
import * as errorDetails from "@tsgrpc/grpc";
import type { MessageType } from "@tsgrpc/protobuf";
import { parseProtocArgs } from "./compile-command.js";
import { resolveMethod } from "./method-target.js";
import { failWithStatus, targetOptions } from "./reflect-commands.js";
import { openChannel } from "./reflection-client.js";
import { parseMetadata, readRequests } from "./request-input.js";

export const CALL_USAGE = `usage: tsgrpc call HOST:PORT pkg.Service/Method [-d JSON | -d @] [-H 'key: value']... [--timeout MS]
                   [--emit-defaults] [--plaintext | --cacert FILE [--cert FILE --key FILE]] [--proto FILE -I DIR]
  Calls a method with a request in proto3 JSON and prints the responses as JSON, as they arrive. "-d @" reads
  newline-delimited JSON requests from stdin (client and bidi streaming). A failed call exits with 64 + its gRPC
  status code.`;

/** The standard error details a server sent, decoded where tsgrpc knows the type. */
function describeDetails(error: GrpcError): string[] {
  const known = [errorDetails.BadRequest, errorDetails.ErrorInfo, errorDetails.RetryInfo, errorDetails.DebugInfo, errorDetails.QuotaFailure, errorDetails.PreconditionFailure, errorDetails.RequestInfo, errorDetails.ResourceInfo, errorDetails.Help, errorDetails.LocalizedMessage] as unknown as MessageType[];
  return error.details.map((d) => {
    const type = known.find((t) => d.typeUrl.endsWith("/" + t.typeName));
    return type ? `${type.typeName} ${type.toJsonString(findDetail(error, type)!)}` : `${d.typeUrl} (${d.value.length} bytes)`;
  });
}

export async function runCall(args: string[]): Promise<number> {
  const { files: positional, flags, includes } = parseProtocArgs(args);
  const [target, methodPath] = positional;
  if (!target || !methodPath) {
    process.stderr.write(CALL_USAGE + "\n");
    return 2;
  }
  const channel = openChannel(target, targetOptions(flags));
  try {
    const { service, localName, method, registry } = await resolveMethod(channel, methodPath, flags, includes);
    const requests = readRequests(flags.get("d") as string | undefined, method.input, registry);
    const timeout = typeof flags.get("timeout") === "string" ? Number(flags.get("timeout")) : undefined;
    const options = { metadata: parseMetadata(flags.get("H") as string | undefined), ...(timeout ? { timeout } : {}) };
    const print = (m: object) => process.stdout.write(method.output.toJsonString(m, { registry, emitDefaults: flags.has("emit-defaults"), pretty: true }) + "\n");
    const call = (createClient(service, channel) as Record<string, (r: unknown, o: unknown) => unknown>)[localName]!;
    const single = method.kind === "unary" || method.kind === "server_streaming";
    if (single && requests.length !== 1) throw new GrpcError(Status.INVALID_ARGUMENT, `${method.name} takes exactly one request, got ${requests.length}`);
    const result = call(single ? requests[0] : requests, options);
    if (method.kind === "unary" || method.kind === "client_streaming") print((await result) as object);
    else for await (const m of result as AsyncIterable<object>) print(m);
    return 0;
  } catch (e) {
    if (e instanceof GrpcError && e.details.length) for (const line of describeDetails(e)) process.stderr.write(`  detail: ${line}\n`);
    return failWithStatus("call", e);
  } finally {
    channel.close();
  }
}
