import { AsyncQueue } from "../async-queue.js";
import { GrpcError } from "../grpc-error.js";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "../gen/grpc/health/v1/health_pb.js";
import type { HealthCheckRequest, HealthCheckResponse } from "../gen/grpc/health/v1/health_pb.js";
import type { ServiceImplementation } from "../server/handler-types.js";
import type { ServerContext } from "../server/server-context.js";
import { Status } from "../status.js";

export { Health, ServingStatus };

/**
 * grpc.health.v1.Health (doc/health-checking.md): the serving status of each service, and of the server as a whole
 * under the empty name. Check answers NOT_FOUND for a service it does not know; Watch sends the current status at
 * once (SERVICE_UNKNOWN for an unknown service) and then every change, until the client goes away.
 *
 *   const health = createHealthService();
 *   server.add(Health, health.implementation);
 *   health.setStatus("userservice.UserService", ServingStatus.SERVING);
 */
export class HealthService {
  private readonly statuses = new Map<string, ServingStatus>([["", ServingStatus.SERVING]]);
  private readonly watchers = new Map<string, Set<AsyncQueue<HealthCheckResponse>>>();

  setStatus(service: string, status: ServingStatus): void {
    if (this.frozen || this.statuses.get(service) === status) return;
    this.statuses.set(service, status);
    for (const w of this.watchers.get(service) ?? []) w.push({ status });
  }

  getStatus(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  /**
   * Every service NOT_SERVING, and no changes after: for a server going down. Watches get that NOT_SERVING and then
   * end with UNAVAILABLE, so that they do not hold the server's shutdown for its whole grace.
   */
  shutdown(): void {
    for (const service of this.statuses.keys()) this.setStatus(service, ServingStatus.NOT_SERVING);
    this.frozen = true;
    for (const set of this.watchers.values()) for (const w of set) w.end(shuttingDown());
  }

  private frozen = false;

  readonly implementation: ServiceImplementation<typeof Health> = {
    check: async (req: HealthCheckRequest) => {
      const status = this.statuses.get(req.service);
      if (status === undefined) throw new GrpcError(Status.NOT_FOUND, `Unknown service "${req.service}"`);
      return { status };
    },
    watch: (req: HealthCheckRequest, ctx: ServerContext) => this.watch(req.service, ctx),
  };

  private async *watch(service: string, ctx: ServerContext): AsyncIterable<HealthCheckResponse> {
    // Status changes are rare, so a watcher's queue stays short, and a slow watcher never holds up setStatus.
    const queue = new AsyncQueue<HealthCheckResponse>(Infinity);
    let set = this.watchers.get(service);
    if (!set) this.watchers.set(service, (set = new Set()));
    set.add(queue);
    const stop = () => queue.end();
    ctx.signal.addEventListener("abort", stop, { once: true });
    try {
      queue.push({ status: this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN });
      if (this.frozen) queue.end(shuttingDown());
      for await (const update of queue) yield update;
    } finally {
      ctx.signal.removeEventListener("abort", stop);
      set.delete(queue);
    }
  }
}

const shuttingDown = () => new GrpcError(Status.UNAVAILABLE, "The server is shutting down");

/** A health service with the server as a whole SERVING: `server.add(Health, health.implementation)`. */
export function createHealthService(): HealthService {
  return new HealthService();
}
