import { readFileSync } from "node:fs";
import { GrpcError, Metadata, Status } from "@tsgrpc/grpc";
import type { DecodeError, MessageType, Registry } from "@tsgrpc/protobuf";

/** -H lines ("key: value"; base64 values for -bin keys) as metadata. */
export function parseMetadata(lines: string | undefined): Metadata {
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
export function readRequests(data: string | undefined, input: MessageType, registry: Registry): object[] {
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

