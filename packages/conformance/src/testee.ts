#!/usr/bin/env node
/**
 * A testee for the official protobuf conformance runner: reads length-prefixed ConformanceRequests on stdin and
 * answers each with a ConformanceResponse on stdout, using tsgrpc's descriptor-driven codec and JSON mapping.
 * Text format and JSPB are answered "skipped".
 */
import { readSync, writeSync } from "node:fs";
import { createMessageType } from "@tsgrpc/protobuf";
import type { MessageType, OneofValue, Registry } from "@tsgrpc/protobuf";
import { loadTestSchemas } from "./test-schemas.js";

const WIRE_PROTOBUF = 1;
const WIRE_JSON = 2;
const JSON_IGNORE_UNKNOWN_PARSING_TEST = 3;

type Message = Record<string, unknown>;

/** A ConformanceResponse: its `result` oneof set to one member. */
function result(member: string, value: unknown): Message {
  return { result: { case: member, value } };
}

/** Answers one request (a ConformanceRequest, whose input is its `payload` oneof). Exported so that tests can drive it
 * without a process. */
export function handleRequest(registry: Registry, request: Message): Message {
  const typeName = request["messageType"] as string;
  if (typeName === "conformance.FailureSet") return result("protobufPayload", new Uint8Array(0));
  const info = registry.getMessage(typeName);
  if (!info) return result("runtimeError", `unknown message type ${typeName}`);
  const type = createMessageType(info);
  const payload = request["payload"] as OneofValue;
  let message: Message;
  try {
    if (payload.case === "protobufPayload") message = type.decode(payload.value as Uint8Array);
    else if (payload.case === "jsonPayload") {
      message = type.fromJsonString(payload.value as string, { registry, ignoreUnknownFields: request["testCategory"] === JSON_IGNORE_UNKNOWN_PARSING_TEST });
    } else return result("skipped", "only protobuf and JSON input are supported");
  } catch (e) {
    return result("parseError", String((e as Error).message));
  }
  try {
    switch (request["requestedOutputFormat"]) {
      case WIRE_PROTOBUF:
        return result("protobufPayload", type.encode(message));
      case WIRE_JSON:
        return result("jsonPayload", type.toJsonString(message, { registry }));
      default:
        return result("skipped", "only protobuf and JSON output are supported");
    }
  } catch (e) {
    return result("serializeError", String((e as Error).message));
  }
}

function readExactly(n: number): Buffer | undefined {
  const buf = Buffer.alloc(n);
  let got = 0;
  while (got < n) {
    const r = readSync(0, buf, got, n - got, null);
    if (r === 0) return undefined;
    got += r;
  }
  return buf;
}

function serve(): void {
  const { registry } = loadTestSchemas();
  const requestType: MessageType = createMessageType(registry.getMessage("conformance.ConformanceRequest")!);
  const responseType: MessageType = createMessageType(registry.getMessage("conformance.ConformanceResponse")!);
  for (;;) {
    const header = readExactly(4);
    if (!header) return;
    const body = readExactly(header.readUInt32LE(0));
    if (!body) return;
    const response = responseType.encode(handleRequest(registry, requestType.decode(body)));
    const out = Buffer.alloc(4 + response.length);
    out.writeUInt32LE(response.length, 0);
    out.set(response, 4);
    writeSync(1, out);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) serve();
