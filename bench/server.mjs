// Starts one benchmark server alone, so that any load generator can be pointed at it:
//   npm run bench:server -- NAME [--port N]     NAME: tsgrpc, tsgrpc-node, grpc-js, grpc-js-static, connect, bare, rest
// Prints "listening on PORT" once it accepts connections; stops on SIGINT or SIGTERM.
import { parseArgs } from "node:util";

const SERVERS = ["tsgrpc", "tsgrpc-prepared", "tsgrpc-node", "tsgrpc-otel-noop", "tsgrpc-otel-sdk", "grpc-js", "grpc-js-static", "connect", "connect-protocols", "tsgrpc-protocols", "bare", "rest", "floor-http1"];

const { values, positionals } = parseArgs({ allowPositionals: true, options: { port: { type: "string", default: "50051" } } });
const name = positionals[0];
if (!SERVERS.includes(name)) {
  console.error(`usage: npm run bench:server -- NAME [--port N]\nNAME is one of: ${SERVERS.join(", ")}`);
  process.exit(2);
}
const port = Number(values.port);
const { start } = await import(`./servers/${name}.mjs`);
const server = await start(port);
console.log(`${name} listening on ${port}`);
const stop = () => server.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
