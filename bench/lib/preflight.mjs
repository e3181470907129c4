// One request sent the way h2load will send it, read in full: the answer must be right (OK status and the expected
// content), and its body size is what every request of the h2load run must then return. Frameworks may encode the
// same message differently (protobufjs writes explicitly set zeros), so the size is learned per server, not assumed.
import { request as http1 } from "node:http";
import { connect } from "node:http2";
import { readFileSync } from "node:fs";

/** Sends `target` ({ path, body, headers }) to the server; resolves { status, body: Buffer }. */
export function fetchOnce(port, target, h1) {
  return new Promise((resolve, reject) => {
    if (h1) {
      http1({ host: "127.0.0.1", port, path: target.path }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: String(res.statusCode), body: Buffer.concat(chunks) }));
      }).on("error", reject).end();
      return;
    }
    const session = connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const headers = { ":method": "POST", ":path": target.path };
    for (const h of target.headers) {
      const i = h.indexOf(":");
      headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    const stream = session.request(headers);
    const chunks = [];
    let status;
    stream.on("response", (h) => (status = h["grpc-status"]));
    stream.on("trailers", (t) => (status = t["grpc-status"]));
    stream.on("data", (c) => chunks.push(c));
    stream.on("error", reject);
    stream.on("close", () => {
      session.close();
      resolve({ status, body: Buffer.concat(chunks) });
    });
    stream.end(readFileSync(target.body));
  });
}

/** The gRPC messages in a response body. */
export function unframe(body) {
  const messages = [];
  for (let at = 0; at + 5 <= body.length; at += 5 + body.readUInt32BE(at + 1)) messages.push(body.subarray(at + 5, at + 5 + body.readUInt32BE(at + 1)));
  return messages;
}
