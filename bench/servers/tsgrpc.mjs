// tsgrpc serving the benchmark UserService with its generated code, on its own HTTP/2 engine (or on node:http2 with
// engine "node": servers/tsgrpc-node.mjs).
import { createServer, GrpcError, Status } from "@tsgrpc/grpc";
import { tsgrpc as pb } from "../lib/schema.mjs";
import { STREAM_MESSAGES, users } from "../lib/data.mjs";

/**
 * `overrides` replaces some handlers (servers/tsgrpc-prepared.mjs); `options` adds server options (tsgrpc-otel-*.mjs);
 * `service` is another definition of the same UserService (servers/tsgrpc-protocols.mjs: GetUser marked NO_SIDE_EFFECTS).
 */
export async function start(port, http2Engine = "tsgrpc", overrides = {}, options = {}, service = pb.UserService) {
  const server = createServer({ http2Engine, ...options });
  server.add(service, {
    async getUser(req) {
      const user = users[req.id - 1];
      if (!user) throw new GrpcError(Status.NOT_FOUND, `User ${req.id} not found`);
      return { user };
    },
    async listUsers(req) {
      return { users: users.slice(0, req.pageSize), nextPageToken: "" };
    },
    *watchUsers() {
      for (let i = 0; i < STREAM_MESSAGES; i++) yield users[i % users.length];
    },
    async bulkCreateUsers(requests) {
      let n = 0;
      for await (const _ of requests) n++;
      return { createdCount: n };
    },
    async *userChat(messages) {
      for await (const m of messages) yield m;
    },
    async createUser() {
      throw new GrpcError(Status.UNIMPLEMENTED, "not benchmarked");
    },
    ...overrides,
  });
  await server.listen(`127.0.0.1:${port}`);
  return { close: () => server.shutdown(1000) };
}
