import { fileURLToPath } from "node:url";
import { Compiler } from "@tsgrpc/compiler";
import { createServiceDefinition } from "@tsgrpc/protobuf";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import { GrpcError, Metadata, Status } from "../src/index.js";
import type { ServiceImplementation } from "../src/index.js";

/** The tutorial's UserService schema, compiled by our own compiler, as a ServiceDefinition with dynamic types. */
export const PROTO_DIR = fileURLToPath(new URL("../../../../examples/user-service", import.meta.url));
const compiler = new Compiler({ includePaths: [PROTO_DIR] });
export const registry = Registry.from(compiler.withImports(compiler.compile(["user_service.proto"])));
export const UserService = createServiceDefinition(registry.getService("userservice.UserService")!, registry);

type User = { id: number; username: string; email: string; roles: string[]; status: number };

/** A small in-memory implementation that exercises every kind of call and the error paths. */
export function userServiceImpl(): ServiceImplementation<typeof UserService> {
  const users = new Map<number, User>([[1, { id: 1, username: "ada", email: "ada@example.com", roles: ["admin"], status: 0 }]]);
  return {
    async getUser(req: Record<string, unknown>, ctx) {
      const id = req["id"] as number;
      if (id <= 0) throw new GrpcError(Status.INVALID_ARGUMENT, "User ID must be positive");
      if (id === 666) throw new Error("secret internal failure");
      if (id === 999) {
        // Never answers: only the deadline (or a cancel) ends it.
        await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
      }
      const user = users.get(id);
      if (!user) throw new GrpcError(Status.NOT_FOUND, `User ${id} not found`, { metadata: new Metadata({ "x-missing-id": String(id) }) });
      ctx.responseHeaders.set("x-served-by", "tsgrpc");
      ctx.responseTrailers.set("x-user-count", String(users.size));
      return { user };
    },
    async createUser(req: Record<string, unknown>) {
      const user = { id: users.size + 1, username: req["username"] as string, email: req["email"] as string, roles: ["user"], status: 0 };
      users.set(user.id, user);
      return { user };
    },
    async listUsers() {
      return { users: [...users.values()] };
    },
    async *watchUsers(req: Record<string, unknown>) {
      for (let i = 0; i < 5; i++) yield { id: i, username: `u${i}`, roles: [req["roleFilter"] as string] };
    },
    async bulkCreateUsers(requests) {
      let n = 0;
      for await (const r of requests) if ((r as Record<string, unknown>)["username"]) n++;
      return { createdCount: n };
    },
    async *userChat(messages) {
      for await (const m of messages) yield { sender: "echo", text: `${(m as Record<string, unknown>)["sender"]}: ${(m as Record<string, unknown>)["text"]}` };
    },
  };
}
