#!/usr/bin/env node
// One backend for the channel tests, as a process of its own (so that a test can SIGKILL or SIGTERM it):
//   node backend-process.js --id NAME (--listen HOST:PORT | --unix PATH) [--grace MS]
// It serves the UserService fixture and tells which backend served each call, in the spirit of the xDS interop
// LoadBalancerStatsService: getUser's response headers and trailers carry `x-backend-id`; listUsers answers with the
// count of getUser calls this process has seen in its trailer `x-backend-calls` (getUser id 999 stalls until its
// deadline, and is counted as it arrives). It prints one line, `{"port":N}`, once listening. SIGTERM: graceful
// shutdown (GOAWAY, the calls in flight finish within --grace ms), then exit 0.
import { existsSync, unlinkSync } from "node:fs";
import { connect, createServer as createTcpServer } from "node:net";
import { parseArgs } from "node:util";
import { createServer } from "../../src/index.js";
import { UserService, userServiceImpl } from "../user-service-fixture.js";

const { values } = parseArgs({ options: { id: { type: "string" }, listen: { type: "string" }, unix: { type: "string" }, grace: { type: "string" } } });
const id = values.id ?? "backend";
let getUserCalls = 0;
const impl = userServiceImpl();
const server = createServer().add(UserService, {
  ...impl,
  getUser(req, ctx) {
    getUserCalls++;
    ctx.responseHeaders.set("x-backend-id", id);
    ctx.responseTrailers.set("x-backend-id", id);
    return impl.getUser(req, ctx);
  },
  async listUsers(req, ctx) {
    ctx.responseTrailers.set("x-backend-id", id);
    ctx.responseTrailers.set("x-backend-calls", String(getUserCalls));
    return impl.listUsers(req, ctx);
  },
});

let port: number;
if (values.unix) {
  // tsgrpc's server listens on TCP only: a unix socket in this same process forwards to it, so that the client's
  // subchannel really connects over the socket, and the socket goes away with the process.
  port = await server.listen("127.0.0.1:0");
  if (existsSync(values.unix)) unlinkSync(values.unix); // left by a killed predecessor on the same path
  const forwarder = createTcpServer((s) => {
    const upstream = connect(port, "127.0.0.1");
    s.pipe(upstream).pipe(s);
    s.on("error", () => upstream.destroy());
    upstream.on("error", () => s.destroy());
  });
  await new Promise<void>((resolve) => forwarder.listen(values.unix, resolve));
} else {
  port = await server.listen(values.listen ?? "127.0.0.1:0");
}
console.log(JSON.stringify({ port }));
process.once("SIGTERM", () => void server.shutdown(Number(values.grace ?? 2000)).then(() => process.exit(0)));
