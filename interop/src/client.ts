#!/usr/bin/env node
// The interop client: npm run interop:client -- --server_host H --server_port N --test_case NAME [--use_tls true
//   [--use_test_ca true --ca_file FILE] [--server_host_override NAME]]. Exit status 0 only when the case passed.
import { readFileSync } from "node:fs";
import { createChannel } from "@tsgrpc/grpc";
import { parseFlags } from "./args.js";
import { CASES } from "./cases.js";
import { loadInteropSchemas } from "./test-service.js";

const flags = parseFlags(process.argv.slice(2));
const name = flags.get("test_case") ?? "";
const run = CASES[name];
if (!run) {
  console.error(`unknown --test_case "${name}"; known: ${Object.keys(CASES).join(", ")}`);
  process.exit(2);
}
const host = flags.get("server_host") ?? "localhost";
const port = flags.get("server_port") ?? "10000";
const tls =
  flags.get("use_tls") === "true"
    ? { ...(flags.get("ca_file") ? { ca: readFileSync(flags.get("ca_file")!) } : {}), ...(flags.get("server_host_override") ? { servername: flags.get("server_host_override")! } : {}) }
    : undefined;
const channel = createChannel(`${host}:${port}`, { tls });
try {
  await run(channel, loadInteropSchemas());
  console.log(`${name}: passed`);
  process.exitCode = 0;
} catch (e) {
  console.error(`${name}: FAILED: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
} finally {
  channel.close();
}
