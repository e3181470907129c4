import type { TextMapGetter, TextMapSetter } from "@opentelemetry/api";
import type { IncomingHttpHeaders } from "node:http2";
import type { Metadata } from "@tsgrpc/grpc";

/** Writes a propagator's fields (`traceparent`, `tracestate`) into a client call's metadata. */
export const metadataSetter: TextMapSetter<Metadata> = {
  set: (metadata, key, value) => void metadata.set(key, value),
};

/** Reads a propagator's fields from a server call's request headers. */
export const headersGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
};
