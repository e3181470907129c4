import { Admin } from "../gen/tsgrpc/admin/v1/admin_pb.js";
import type { ServiceImplementation } from "../server/handler-types.js";
import type { Server } from "../server/server.js";
import { serverStatsMessage } from "./stats-message.js";

export { Admin };

/**
 * tsgrpc.admin.v1.Admin (packages/grpc/proto/tsgrpc/admin/v1/admin.proto): the server's `stats()` over gRPC, for
 * `tsgrpc stats HOST:PORT` and dashboards. It tells anyone who can call it how busy each method is: serve it only
 * where that is fine (behind auth, or on an internal port).
 *
 *   server.add(Admin, createAdminService(server));
 */
export function createAdminService(server: Server): ServiceImplementation<typeof Admin> {
  return {
    getServerStats: async () => serverStatsMessage(server.stats()),
  };
}
