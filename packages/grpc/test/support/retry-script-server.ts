#!/usr/bin/env node
// A scripted failing gRPC server for the retry tests, written on bare node:http2 so that it is neither of the two
// clients under comparison (tsgrpc's server cannot send grpc-retry-pushback-ms: "grpc-" metadata is reserved there).
//   node retry-script-server.js        prints {"port":N} once listening on 127.0.0.1; SIGTERM ends it.
// Each call carries its script in request metadata: `x-key` (names the call) and `x-script`, a JSON array of steps,
// one per attempt in the order attempts arrive: { "code": N, "pushback"?: "text", "hang"?: true }. Code 0 answers OK
// (one empty message), any other a trailers-only status with the optional grpc-retry-pushback-ms; "hang" answers
// nothing until the client cancels. Attempts past the script get OK. Every attempt is recorded with its
// grpc-previous-rpc-attempts header and arrival time: GET /attempts/KEY answers them as JSON.
import { createServer, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { performance } from "node:perf_hooks";

interface Step {
  code: number;
  pushback?: string;
  hang?: boolean;
}
export interface SeenAttempt {
  /** The attempt's grpc-previous-rpc-attempts header; null when it had none (the first attempt). */
  previous: string | null;
  /** When it arrived (ms, this process's monotonic clock). */
  at: number;
}

const seen = new Map<string, SeenAttempt[]>();

function onCall(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
  const key = String(headers["x-key"] ?? "");
  const script = JSON.parse(String(headers["x-script"] ?? "[]")) as Step[];
  const attempts = seen.get(key) ?? [];
  seen.set(key, attempts);
  attempts.push({ previous: headers["grpc-previous-rpc-attempts"] === undefined ? null : String(headers["grpc-previous-rpc-attempts"]), at: performance.now() });
  const step = script[attempts.length - 1] ?? { code: 0 };
  stream.on("error", () => {}); // a cancelled hedge: RST_STREAM from the client
  stream.resume(); // the request message is not read
  if (step.hang) return; // until the client cancels
  stream.once("end", () => {
    if (stream.destroyed) return;
    if (step.code === 0) {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(Buffer.alloc(5)); // one empty message: flag 0, length 0
    } else {
      const trailers: Record<string, string> = { ":status": "200", "content-type": "application/grpc", "grpc-status": String(step.code), "grpc-message": "scripted failure" };
      if (step.pushback !== undefined) trailers["grpc-retry-pushback-ms"] = step.pushback;
      stream.respond(trailers, { endStream: true });
    }
  });
}

const server = createServer();
server.on("stream", (stream, headers) => {
  const path = String(headers[":path"]);
  if (path.startsWith("/attempts/")) {
    stream.respond({ ":status": 200, "content-type": "application/json" });
    stream.end(JSON.stringify(seen.get(decodeURIComponent(path.slice("/attempts/".length))) ?? []));
  } else onCall(stream, headers);
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as { port: number }).port })));
process.once("SIGTERM", () => process.exit(0));
