#!/usr/bin/env node
// The interop client: npm run interop:client -- --server_host H --server_port N --test_case NAME [--use_tls true
//   [--use_test_ca true --ca_file FILE] [--server_host_override NAME]]. Exit status 0 only when the case passed.
// rpc_soak and channel_soak also take --soak_iterations, --soak_max_failures,
//   --soak_per_iteration_max_acceptable_latency_ms, --soak_overall_timeout_seconds, --soak_min_time_ms_between_rpcs,
//   --soak_request_size and --soak_response_size (grpc-go's defaults: 10, 0, 1000, 10, 0, 271828, 314159).
import { readFileSync } from "node:fs";
import { createChannel } from "@tsgrpc/grpc";
import { parseFlags } from "./args.js";
import { CASES, SOAK_CASES } from "./cases.js";
import { loadInteropSchemas } from "./test-service.js";

const flags = parseFlags(process.argv.slice(2));
const name = flags.get("test_case") ?? "";
const run = Object.hasOwn(CASES, name) ? CASES[name] : undefined;
const runSoak = Object.hasOwn(SOAK_CASES, name) ? SOAK_CASES[name] : undefined;
if (!run && !runSoak) {
  console.error(`unknown --test_case "${name}"; known: ${[...Object.keys(CASES), ...Object.keys(SOAK_CASES)].join(", ")}`);
  process.exit(2);
}
const host = flags.get("server_host") ?? "localhost";
const port = flags.get("server_port") ?? "10000";
const tls =
  flags.get("use_tls") === "true"
    ? { ...(flags.get("ca_file") ? { ca: readFileSync(flags.get("ca_file")!) } : {}), ...(flags.get("server_host_override") ? { servername: flags.get("server_host_override")! } : {}) }
    : undefined;
const target = `${host}:${port}`;
const channel = run ? createChannel(target, { tls }) : undefined;
try {
  if (run) await run(channel!, loadInteropSchemas());
  else console.log(await runSoak!({ flags, target, channelOptions: { tls }, log: (line) => console.log(line) }, loadInteropSchemas()));
  console.log(`${name}: passed`);
  process.exitCode = 0;
} catch (e) {
  console.error(`${name}: FAILED: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
} finally {
  channel?.close();
}
