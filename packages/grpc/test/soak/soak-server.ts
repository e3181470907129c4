#!/usr/bin/env node
// The server a soak runs against, in a process of its own: the UserService fixture over gRPC and gRPC-Web on one
// port, and GET /stats answering what the process holds (after a full GC: run it with --expose-gc).
//   node --expose-gc soak-server.js        prints the port once listening; SIGTERM ends it.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createServer } from "../../src/index.js";
import { UserService, userServiceImpl } from "../user-service-fixture.js";

/** What one sample of the server process says. */
export interface ProcessStats {
  rssBytes: number;
  heapUsedBytes: number;
  /** Active handles and requests (sockets, timers...), from process.getActiveResourcesInfo(). */
  handles: number;
  /** The event loop's delay since the last sample: p99 and max, in ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

function stats(): ProcessStats {
  (globalThis as { gc?: () => void }).gc?.();
  const s = { rssBytes: process.memoryUsage.rss(), heapUsedBytes: process.memoryUsage().heapUsed, handles: process.getActiveResourcesInfo().length, loopDelayP99Ms: loop.percentile(99) / 1e6, loopDelayMaxMs: loop.max / 1e6 };
  loop.reset();
  return s;
}

const server = createServer({
  grpcWeb: true,
  logError: () => {},
  httpHandler: (req, res) => {
    if (req.url !== "/stats") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats()));
  },
}).add(UserService, userServiceImpl());
console.log(await server.listen("127.0.0.1:0"));
process.once("SIGTERM", () => void server.shutdown(1000).then(() => process.exit(0)));
