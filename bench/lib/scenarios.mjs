// The server-capacity scenarios: what h2load sends, how many requests, and how to tell a right answer (checked
// once before the load; see preflight.mjs).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tsgrpc as pb } from "./schema.mjs";
import { GET_USER_ID, MIB_PAGE, STREAM_MESSAGES, users } from "./data.mjs";
import { frame } from "../servers/bare.mjs";
import { unframe } from "./preflight.mjs";
import { isDeepStrictEqual } from "node:util";

const GRPC_HEADERS = ["content-type: application/grpc", "te: trailers"];
const METHOD = "/userservice.UserService/";

/** A check of a gRPC response body: exactly one message, equal to `expected` once decoded as `type`. */
const oneMessage = (type, expected) => (body) => {
  const messages = unframe(body);
  return messages.length === 1 && isDeepStrictEqual(type.decode(messages[0]), type.create(expected));
};
/** A check of a REST response body. */
const json = (expected) => (body) => isDeepStrictEqual(JSON.parse(body.toString()), JSON.parse(JSON.stringify(expected)));
/** WatchUsers' stream: STREAM_MESSAGES users, the list cycled. */
const userStream = (body) => {
  const messages = unframe(body);
  return messages.length === STREAM_MESSAGES && messages.every((m, i) => pb.User.decode(m).id === users[i % users.length].id);
};

/**
 * Each scenario: { id, title, unit, grpc: { path, body, ok(responseBody) }, rest?: { path, ok(responseBody) }, n, quickN, clients,
 * streams, messagesPerRequest, servers? }; `servers` (column -> server module) narrows a scenario to some servers. Request bodies are written under `dir`.
 */
export function scenarios(dir) {
  mkdirSync(dir, { recursive: true });
  const write = (name, bytes) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  const getUser = write("get-user.bin", frame(pb.GetUserRequest.encode({ id: GET_USER_ID })));
  const getUserOk = oneMessage(pb.GetUserResponse, { user: users[GET_USER_ID - 1] });
  const restUserOk = json({ user: users[GET_USER_ID - 1] });
  const page = (size) => ({
    body: write(`list-users-${size}.bin`, frame(pb.ListUsersRequest.encode({ pageSize: size }))),
    ok: oneMessage(pb.ListUsersResponse, { users: users.slice(0, size), nextPageToken: "" }),
    restOk: json({ users: users.slice(0, size), nextPageToken: "" }),
  });
  const page100 = page(100);
  const pageMiB = page(MIB_PAGE);
  const uploads = Buffer.concat(Array.from({ length: STREAM_MESSAGES }, (_, i) => frame(pb.CreateUserRequest.encode({ username: `new_user_${i}`, email: `new${i}@example.com` }))));
  const unary = (id, title, grpc, rest, load) => ({ id, title, unit: "req/s", messagesPerRequest: 1, grpc, rest, ...load });
  const sweep = (inFlight, clients, streams, n) =>
    unary(`sweep-${inFlight}`, `GetUser, ${inFlight} in flight`, { path: METHOD + "GetUser", body: getUser, ok: getUserOk }, undefined, { n, quickN: n / 10, clients, streams });
  return [
    unary("get-user", "Small unary (GetUser)", { path: METHOD + "GetUser", body: getUser, ok: getUserOk }, { path: `/users/${GET_USER_ID}`, ok: restUserOk }, { n: 100_000, quickN: 10_000, clients: 4, streams: 64 }),
    unary("list-users", "100-user unary (ListUsers)", { path: METHOD + "ListUsers", body: page100.body, ok: page100.ok }, { path: "/users?page_size=100", ok: page100.restOk }, { n: 20_000, quickN: 2000, clients: 4, streams: 16 }),
    unary("payload-1mib", `1 MiB response (ListUsers of ${MIB_PAGE})`, { path: METHOD + "ListUsers", body: pageMiB.body, ok: pageMiB.ok }, { path: `/users?page_size=${MIB_PAGE}`, ok: pageMiB.restOk }, { n: 300, quickN: 30, clients: 1, streams: 4 }),
    { id: "server-stream", title: `Server streaming (WatchUsers, ${STREAM_MESSAGES / 1000}k messages)`, unit: "msg/s", messagesPerRequest: STREAM_MESSAGES, grpc: { path: METHOD + "WatchUsers", body: write("watch-users.bin", frame(pb.WatchUsersRequest.encode({}))), ok: userStream }, n: 10, quickN: 1, clients: 1, streams: 1 },
    // The same stream with every server replaying messages encoded once (the bare server always does): transport
    // against transport. tsgrpc's column is servers/tsgrpc-prepared.mjs here (prepareMessage). Two fast servers only,
    // so each run streams 2M messages: a run of 0.5M lasted ~0.1 s, short enough for a stray pause to move the median.
    { id: "server-stream-prepared", title: `Server streaming, messages encoded once (WatchUsers, ${STREAM_MESSAGES / 1000}k)`, unit: "msg/s", messagesPerRequest: STREAM_MESSAGES, grpc: { path: METHOD + "WatchUsers", body: write("watch-users.bin", frame(pb.WatchUsersRequest.encode({}))), ok: userStream }, n: 20, quickN: 2, clients: 1, streams: 1, servers: { bare: "bare", tsgrpc: "tsgrpc-prepared" } },
    { id: "client-stream", title: `Client streaming (BulkCreateUsers, ${STREAM_MESSAGES / 1000}k messages)`, unit: "msg/s", messagesPerRequest: STREAM_MESSAGES, grpc: { path: METHOD + "BulkCreateUsers", body: write("bulk-create.bin", uploads), ok: oneMessage(pb.BulkCreateResponse, { createdCount: STREAM_MESSAGES }) }, n: 5, quickN: 1, clients: 1, streams: 1 },
    sweep(1, 1, 1, 5000),
    sweep(16, 1, 16, 20_000),
    sweep(128, 1, 128, 40_000),
    sweep(512, 4, 128, 40_000),
  ].map((s) => ({ ...s, grpc: { ...s.grpc, headers: GRPC_HEADERS } }));
}
