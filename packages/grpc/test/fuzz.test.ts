import { fuzzTests } from "@tsgrpc/testing";
import { properties } from "./fuzz/properties.js";

// gRPC envelopes, compression, gRPC-Web bodies, grpc-timeout, grpc-message and metadata, fuzzed (issue 18): see
// test/fuzz/properties.ts; HTTP/1.1 request heads and chunked bodies: test/fuzz/http1-properties.ts. `npm run fuzz` runs them longer.
fuzzTests(properties);
