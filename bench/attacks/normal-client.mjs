// A normal gRPC client: GetUser calls over one node:http2 connection, `--inflight` at a time, for `--seconds`.
// Prints JSON: calls completed (grpc-status 0), failed, and the rate.
import { connect } from "node:http2";
import { parseArgs } from "node:util";
import { GET_USER_1 } from "./h2.mjs";

const { values } = parseArgs({ options: { port: { type: "string" }, seconds: { type: "string", default: "5" }, inflight: { type: "string", default: "16" } } });
const session = connect(`http://127.0.0.1:${values.port}`);
session.on("error", () => {});
await new Promise((resolve, reject) => { session.once("connect", resolve); session.once("error", reject); });
const deadline = performance.now() + Number(values.seconds) * 1000;
let ok = 0, failed = 0;
function call() {
  return new Promise((resolve) => {
    const stream = session.request({ ":method": "POST", ":path": "/userservice.UserService/GetUser", "content-type": "application/grpc", te: "trailers" });
    let status;
    stream.on("response", (h) => h["grpc-status"] !== undefined && (status = h["grpc-status"]));
    stream.on("trailers", (t) => (status = t["grpc-status"]));
    stream.on("data", () => {});
    stream.on("error", () => {});
    stream.on("close", () => { status === "0" ? ok++ : failed++; resolve(); });
    stream.end(GET_USER_1);
  });
}
const started = performance.now();
await Promise.all(Array.from({ length: Number(values.inflight) }, async () => { while (performance.now() < deadline && !session.destroyed) await call(); }));
const seconds = (performance.now() - started) / 1000;
session.close();
console.log(JSON.stringify({ ok, failed, seconds, perSecond: ok / seconds }));
