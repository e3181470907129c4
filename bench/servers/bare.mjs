// The ceiling: node:http2 with no gRPC library. Each distinct request is answered once by the benchmark semantics and
// the framed response is then replayed from a cache, so what is measured is node:http2's own cost per request.
import { createServer, constants } from "node:http2";
import { tsgrpc as pb } from "../lib/schema.mjs";
import { STREAM_MESSAGES, users } from "../lib/data.mjs";

/** A gRPC length-prefixed message. */
export function frame(bytes) {
  const out = Buffer.allocUnsafe(5 + bytes.length);
  out[0] = 0;
  out.writeUInt32BE(bytes.length, 1);
  out.set(bytes, 5);
  return out;
}

const RESPONSE_HEADERS = { ":status": 200, "content-type": "application/grpc" };
const OK = { "grpc-status": "0" };
const userFrames = users.map((u) => frame(pb.User.encode(u)));
const unaryCache = new Map();

/** Counts the length-prefixed messages in a gRPC request body. */
function countMessages(body) {
  let n = 0;
  for (let at = 0; at + 5 <= body.length; at += 5 + body.readUInt32BE(at + 1)) n++;
  return n;
}

function unaryResponse(path, body) {
  const key = path + body.toString("latin1");
  let response = unaryCache.get(key);
  if (response) return response;
  const message = body.subarray(5);
  if (path === "/userservice.UserService/GetUser") {
    const user = users[pb.GetUserRequest.decode(message).id - 1];
    response = user ? frame(pb.GetUserResponse.encode({ user })) : undefined;
  } else if (path === "/userservice.UserService/ListUsers") {
    response = frame(pb.ListUsersResponse.encode({ users: users.slice(0, pb.ListUsersRequest.decode(message).pageSize), nextPageToken: "" }));
  } else if (path === "/userservice.UserService/BulkCreateUsers") {
    return frame(pb.BulkCreateResponse.encode({ createdCount: countMessages(body) }));
  }
  if (response) unaryCache.set(key, response);
  return response;
}

function streamUsers(stream) {
  let i = 0;
  const pump = () => {
    while (i < STREAM_MESSAGES) {
      if (stream.destroyed) return;
      if (!stream.write(userFrames[i++ % userFrames.length])) return void stream.once("drain", pump);
    }
    stream.end();
  };
  pump();
}

export async function start(port) {
  const server = createServer({ settings: { maxConcurrentStreams: 1000 } });
  server.on("stream", (stream, headers) => {
    stream.on("error", () => {}); // a stream the client reset or the server refused (bench/attacks) must not crash it
    const path = headers[constants.HTTP2_HEADER_PATH];
    if (path === "/userservice.UserService/UserChat") {
      stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers(OK));
      stream.on("data", (chunk) => stream.write(chunk));
      stream.on("end", () => stream.end());
      return;
    }
    const chunks = [];
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.on("end", () => {
      if (stream.destroyed) return; // reset by the client (bench/attacks' rapid reset): node:http2 throws on respond
      stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers(OK));
      if (path === "/userservice.UserService/WatchUsers") return streamUsers(stream);
      const response = unaryResponse(path, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      if (response) stream.end(response);
      else {
        stream.removeAllListeners("wantTrailers");
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "12" }));
        stream.end();
      }
    });
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { close: () => new Promise((resolve) => server.close(() => resolve())) };
}
