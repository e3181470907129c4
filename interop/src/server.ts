#!/usr/bin/env node
// The interop server: npm run interop:server -- --port N [--use_tls true --tls_cert FILE --tls_key FILE]
//   [--http2_engine tsgrpc|node]   (tsgrpc's own HTTP/2 engine, the default, or node:http2)
import { readFileSync } from "node:fs";
import { createServer } from "@tsgrpc/grpc";
import { parseFlags } from "./args.js";
import { loadInteropSchemas } from "./test-service.js";
import { testServiceImpl } from "./test-service-impl.js";

const flags = parseFlags(process.argv.slice(2));
const schemas = loadInteropSchemas();
const tls = flags.get("use_tls") === "true" ? { cert: readFileSync(flags.get("tls_cert")!), key: readFileSync(flags.get("tls_key")!) } : undefined;
const engine = flags.get("http2_engine") ?? "tsgrpc";
if (engine !== "tsgrpc" && engine !== "node") {
  console.error(`--http2_engine must be tsgrpc or node, not "${engine}"`);
  process.exit(2);
}
const server = createServer({ tls, http2Engine: engine }).add(schemas.TestService, testServiceImpl(schemas.TestService));
const port = await server.listen(`${flags.get("host") ?? "0.0.0.0"}:${flags.get("port") ?? "10000"}`);
console.log(`interop server listening on port ${port}${tls ? " (TLS)" : ""} on ${engine === "node" ? "node:http2" : "tsgrpc's HTTP/2 engine"}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void server.shutdown(1000).then(() => process.exit(0)));
