import { Admin, createAdminService, createServer, Health, createHealthService, createReflectionService, ServerReflectionV1, ServerReflectionV1Alpha, ServingStatus, type HealthService } from "@tsgrpc/grpc";
import type { Server, ServerInterceptor } from "@tsgrpc/grpc";
import type { ServerCallTracerFactory } from "@tsgrpc/grpc";
import { bearerAuth, type Principal } from "./auth.js";
import { callLog, type CallLogEntry } from "./call-log.js";
import { UserService } from "./gen/user_service_pb.js";
import { ChatRoom } from "./chat-room.js";
import { openStore } from "./open-store.js";
import { PostgresUserStore } from "./postgres-store.js";
import { SqliteUserStore } from "./sqlite-store.js";
import { WorkerChatBus, WorkerRelayStore } from "./worker-relay.js";
import type { UserStore } from "./store.js";
import { createUserService, type UserServiceOptions } from "./user-service.js";
import { REST_RULES } from "./rest-rules.js";
import { webConsole } from "./web-console.js";

export interface AppOptions extends Omit<UserServiceOptions, "store"> {
  /** SQLite file path, ":memory:", or a PostgreSQL URL (postgres://user:password@host:port/database). */
  db: string;
  /** One of several worker processes of a server (node:cluster): a SQLite store's users are relayed to the others. */
  worker?: boolean;
  /** Bearer tokens; auth is off without them. */
  tokens?: ReadonlyMap<string, Principal>;
  /** Where call-log entries go (default: none). */
  log?: (entry: CallLogEntry) => void;
  /** How often the store is checked for the health service, in ms. */
  healthIntervalMs?: number;
  /** The built web console to serve at `/` (see web-console.ts); none without it. */
  consoleDir?: string;
  /**
   * The other origins whose pages may call the service from a browser (the console, on the server's own origin, always
   * may). Default: pages served from this machine, `http://localhost:*` and `http://127.0.0.1:*`.
   */
  allowedOrigins?: string[];
  /** The server's per-call stats hook (ServerOptions.callTracer, as @tsgrpc/opentelemetry makes): it sees each call's request headers. */
  callTracer?: ServerCallTracerFactory;
}

export const DEFAULT_ALLOWED_ORIGINS = ["http://localhost:*", "http://127.0.0.1:*"];

export interface App {
  server: Server;
  store: UserStore;
  health: HealthService;
  /** Listens on "host:port"; resolves with the port. */
  listen(address: string): Promise<number>;
  /**
   * NOT_SERVING, then the streams that never end by themselves (WatchUsers, UserChat) end with UNAVAILABLE, the other
   * calls in flight get `graceMs` to finish, then the store closes.
   */
  shutdown(graceMs?: number): Promise<void>;
}

const SERVICE = UserService.typeName;

/** The UserService server: store, service, interceptors, health, reflection and the admin service (call counts), wired together. */
export async function createApp(options: AppOptions): Promise<App> {
  const opened = await openStore(options.db);
  const store = options.worker && opened instanceof SqliteUserStore ? new WorkerRelayStore(opened) : opened;
  // The chat room spans what the users do: every replica on PostgreSQL, every worker on SQLite.
  const workerChat = options.worker && !(opened instanceof PostgresUserStore) ? new WorkerChatBus() : undefined;
  const chatRoom = options.chatRoom ?? new ChatRoom(undefined, opened instanceof PostgresUserStore ? opened.chat : workerChat);
  const stopping = new AbortController();
  const health = createHealthService();
  const interceptors: ServerInterceptor[] = [];
  if (options.log) interceptors.push(callLog(options.log));
  if (options.tokens) {
    const writes = new Set([UserService.methods.createUser.path, UserService.methods.bulkCreateUsers.path]);
    interceptors.push(bearerAuth({ tokens: options.tokens, pathPrefix: `/${SERVICE}/`, writes }));
  }
  const server = createServer({
    interceptors,
    health,
    cors: { allowedOrigins: options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS },
    httpHandler: options.consoleDir === undefined ? undefined : webConsole(options.consoleDir),
    rest: { rules: REST_RULES },
    callTracer: options.callTracer,
  });
  const reflection = createReflectionService([UserService, Health, Admin, ServerReflectionV1, ServerReflectionV1Alpha]);
  server
    .add(UserService, await createUserService({ ...options, store, chatRoom, shutdown: stopping.signal }))
    .add(Health, health.implementation)
    .add(ServerReflectionV1, reflection.implementation)
    .add(ServerReflectionV1Alpha, reflection.implementation)
    // Unauthenticated like health and reflection (the token guards UserService only): it shows call counts, no data.
    .add(Admin, createAdminService(server));

  // SERVING while the store answers.
  const check = async () => {
    let status = ServingStatus.SERVING;
    try {
      await store.ping();
    } catch {
      status = ServingStatus.NOT_SERVING;
    }
    health.setStatus("", status);
    health.setStatus(SERVICE, status);
  };
  await check();
  const timer = setInterval(() => void check(), options.healthIntervalMs ?? 5000);
  timer.unref();

  return {
    server,
    store,
    health,
    listen: (address) => server.listen(address),
    async shutdown(graceMs = 10_000) {
      clearInterval(timer);
      const done = server.shutdown(graceMs); // NOT_SERVING and GOAWAY first
      // One turn later, once health watchers have been sent NOT_SERVING, the streams that never end by themselves end.
      await new Promise((r) => setImmediate(r));
      stopping.abort();
      await done;
      workerChat?.close();
      await store.close();
    },
  };
}
