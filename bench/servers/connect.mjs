// connect-node (@connectrpc/connect-node; the gRPC protocol only unless `protocols` says otherwise) serving the benchmark UserService over node:http2,
// with @bufbuild/protobuf messages (the users are held as protobuf-es messages, as a connect application would).
import { createServer } from "node:http2";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { buf } from "../lib/schema.mjs";
import { STREAM_MESSAGES, users } from "../lib/data.mjs";

/** `protocols` turns connect-node's other protocols on (servers/connect-protocols.mjs: `{ connect: true }`). */
export async function start(port, protocols = {}) {
  const service = buf.getService("userservice.UserService");
  const UserSchema = buf.getMessage("userservice.User");
  const messages = users.map((u) => create(UserSchema, u));
  const handler = connectNodeAdapter({
    grpc: true,
    grpcWeb: false,
    connect: false,
    ...protocols,
    routes(router) {
      router.service(service, {
        async getUser(req) {
          const user = messages[req.id - 1];
          if (!user) throw new ConnectError(`User ${req.id} not found`, Code.NotFound);
          return { user };
        },
        async listUsers(req) {
          return { users: messages.slice(0, req.pageSize), nextPageToken: "" };
        },
        async *watchUsers() {
          for (let i = 0; i < STREAM_MESSAGES; i++) yield messages[i % messages.length];
        },
        async bulkCreateUsers(requests) {
          let n = 0;
          for await (const _ of requests) n++;
          return { createdCount: n };
        },
        async *userChat(requests) {
          for await (const m of requests) yield m;
        },
        async createUser() {
          throw new ConnectError("not benchmarked", Code.Unimplemented);
        },
      });
    },
  });
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { close: () => new Promise((resolve) => server.close(() => resolve())) };
}
