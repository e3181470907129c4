import { readFileSync } from "node:fs";
import { createClient, findDetail, GrpcError, Metadata, Status } from "@tsgrpc/grpc";
import * as errorDetails from "@tsgrpc/grpc";
import { DecodeError, dynamicService } from "@tsgrpc/protobuf";
import type { MessageType, MethodDefinition, Registry } from "@tsgrpc/protobuf";
import { parseProtocArgs } from "./compile-command.js";
import { failWithStatus, schemaFor, targetOptions } from "./reflect-commands.js";
import { openChannel, ReflectionClient } from "./reflection-client.js";

export const CALL_USAGE = `usage: tsgrpc call HOST:PORT pkg.Service/Method [-d JSON | -d @] [-H 'key: value']... [--timeout MS]
                   [--emit-defaults] [--plaintext | --cacert FILE [--cert FILE --key FILE]] [--proto FILE -I DIR]
  Calls a method with a request in proto3 JSON and prints the responses as JSON, as they arrive. "-d @" reads
  newline-delimited JSON requests from stdin (client and bidi streaming). A failed call exits with 64 + its gRPC
  status code.`;

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

function suggest(name: string, candidates: string[]): string {
  const close = candidates.filter((c) => distance(name, c) <= Math.max(2, Math.floor(name.length / 3)));
  return close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(" or ")}?` : "";
}

function parseMetadata(lines: string | undefined): Metadata {
  const md = new Metadata();
  for (const line of (lines ?? "").split("\n").filter(Boolean)) {
    const colon = line.indexOf(":");
    if (colon < 1) throw new GrpcError(Status.INVALID_ARGUMENT, `-H "${line}": expected "key: value"`);
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    md.add(key, key.endsWith("-bin") ? Uint8Array.from(Buffer.from(value, "base64")) : value);
  }
  return md;
}

/** Requests from -d: one JSON document, or with "@", one per line of stdin. */
function readRequests(data: string | undefined, input: MessageType, registry: Registry): object[] {
  const texts = data === "@" ? readFileSync(0, "utf8").split("\n").filter((l) => l.trim()) : [data ?? "{}"];
  return texts.map((text, i) => {
    try {
      return input.fromJsonString(text, { registry });
    } catch (e) {
      const where = data === "@" ? ` (stdin line ${i + 1})` : "";
      throw new GrpcError(Status.INVALID_ARGUMENT, `The request${where} does not fit ${input.typeName}: ${(e as DecodeError).message}`);
    }
  });
}

/** The standard error details a server sent, decoded where tsgrpc knows the type. */
function describeDetails(error: GrpcError): string[] {
  const known = [errorDetails.BadRequest, errorDetails.ErrorInfo, errorDetails.RetryInfo, errorDetails.DebugInfo, errorDetails.QuotaFailure, errorDetails.PreconditionFailure, errorDetails.RequestInfo, errorDetails.ResourceInfo, errorDetails.Help, errorDetails.LocalizedMessage] as MessageType[];
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
    // pkg.Service/Method (grpcurl's form) or pkg.Service.Method
    const path = methodPath.replace(/^\//, "");
    const cut = path.includes("/") ? path.lastIndexOf("/") : path.lastIndexOf(".");
    const serviceName = path.slice(0, cut);
    const methodName = path.slice(cut + 1);
    const reflection = new ReflectionClient(channel);
    const registry = await schemaFor(serviceName, flags, includes, reflection).catch(async (e: unknown) => {
      if (e instanceof GrpcError && e.code === Status.NOT_FOUND) {
        const services = typeof flags.get("proto") === "string" ? [] : await reflection.listServices().catch(() => []);
        throw new GrpcError(Status.NOT_FOUND, `Service "${serviceName}" not found.${suggest(serviceName, services)}`);
      }
      throw e;
    });
    const info = registry.getService(serviceName);
    if (!info) throw new GrpcError(Status.NOT_FOUND, `Service "${serviceName}" not found.${suggest(serviceName, [...registry.services.keys()])}`);
    const service = dynamicService(info, registry);
    const entry = Object.entries(service.methods).find(([, m]) => m.name === methodName);
    if (!entry) throw new GrpcError(Status.NOT_FOUND, `Method "${methodName}" not found in ${serviceName}.${suggest(methodName, info.methods.map((m) => m.name))}`);
    const [localName, method] = entry as [string, MethodDefinition];
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
