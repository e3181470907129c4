import { BadRequest, GrpcError, packDetail, prepareMessage, Status } from "@tsgrpc/grpc";
import type { PreparedMessage, ServiceImplementation, ServerContext } from "@tsgrpc/grpc";
import type { BadRequest_FieldViolation } from "@tsgrpc/grpc";
import { BoundedQueue } from "./bounded-queue.js";
import { ChatRoom, MAX_CHAT_NAME, MAX_CHAT_TEXT } from "./chat-room.js";
import type { ChatMessage, CreateUserRequest } from "./gen/user_service_pb.js";
import { User, UserService } from "./gen/user_service_pb.js";
import { principalOf } from "./auth.js";
import { PageTokens } from "./page-token.js";
import { DuplicateUserError, RequestIdReusedError, type UserRecord, type UserStore } from "./store.js";
import { FEED_CHUNK } from "./user-events.js";
import { validateNewUser } from "./validation.js";

export interface UserServiceOptions {
  store: UserStore;
  /** ListUsers' page_size when the request leaves it 0. */
  defaultPageSize?: number;
  /** The largest page ListUsers returns; larger requests are capped to it. */
  maxPageSize?: number;
  /** Users a WatchUsers stream may have waiting before it is ended with RESOURCE_EXHAUSTED. */
  watchBacklog?: number;
  /** The chat room UserChat joins (one per server by default). */
  chatRoom?: ChatRoom;
  /**
   * Aborted when the server begins to shut down: the streams that never end by themselves (WatchUsers, UserChat) end
   * at once with UNAVAILABLE, so that their clients reconnect elsewhere instead of holding the shutdown for its grace.
   */
  shutdown?: AbortSignal;
}

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;
export const WATCH_BACKLOG = 1024;
/** WatchUsers reads the existing users in pages of this size. */
const WATCH_READ_PAGE = 500;
/** How the infinite streams end when the server shuts down: retryable, on another replica or this one once back. */
export const shuttingDown = () => new GrpcError(Status.UNAVAILABLE, "The server is shutting down; call again (another replica will answer)");

const invalid = (message: string, violations: BadRequest_FieldViolation[]) =>
  new GrpcError(Status.INVALID_ARGUMENT, message, { details: [packDetail(BadRequest, { fieldViolations: violations })] });

/** The tutorial's UserService over a UserStore. */
export async function createUserService(options: UserServiceOptions): Promise<ServiceImplementation<typeof UserService>> {
  const { store } = options;
  const defaultPageSize = options.defaultPageSize ?? DEFAULT_PAGE_SIZE;
  const maxPageSize = options.maxPageSize ?? MAX_PAGE_SIZE;
  const watchBacklog = options.watchBacklog ?? WATCH_BACKLOG;
  const room = options.chatRoom ?? new ChatRoom();
  const shutdown = options.shutdown ?? new AbortController().signal;
  shutdown.addEventListener("abort", () => room.close(shuttingDown()), { once: true });
  const tokens = new PageTokens(await store.tokenSecret());
  // A committed user goes to every watcher: it is encoded once for all of them.
  const encodedChanges = new WeakMap<UserRecord, PreparedMessage<User>>();
  const encodedOnce = (u: UserRecord) => {
    let prepared = encodedChanges.get(u);
    if (prepared === undefined) encodedChanges.set(u, (prepared = prepareMessage(User, u)));
    return prepared;
  };

  /** Validates and creates one user; `field` prefixes field names in errors (BulkCreateUsers' "requests[3]."). */
  async function create(request: CreateUserRequest, field = "", createdBefore?: number): Promise<UserRecord> {
    const note = createdBefore === undefined ? "" : `; ${createdBefore} users were created before it`;
    const violations = validateNewUser(request, field);
    if (violations.length) throw invalid(`Invalid user${field ? ` in ${field.slice(0, -1)}` : ""}${note}`, violations);
    try {
      return await store.create(request);
    } catch (e) {
      if (e instanceof DuplicateUserError) throw new GrpcError(Status.ALREADY_EXISTS, `${field ? `${field.slice(0, -1)}: ` : ""}${e.message}${note}`);
      // The id names another request (AIP-155): the client's mistake, in the argument, not a user that exists.
      if (e instanceof RequestIdReusedError) throw invalid(`${field ? `${field.slice(0, -1)}: ` : ""}${e.message}${note}`, [{ field: `${field}request_id`, description: "already used for a create with a different username or email" }]);
      throw e;
    }
  }

  return {
    async getUser({ id }) {
      if (id <= 0) throw new GrpcError(Status.INVALID_ARGUMENT, "User ID must be positive");
      const user = await store.get(id);
      if (!user) throw new GrpcError(Status.NOT_FOUND, `User ${id} not found`);
      return { user };
    },

    async createUser(request) {
      return { user: await create(request) };
    },

    async listUsers({ pageSize, pageToken }) {
      if (pageSize < 0) throw invalid("page_size must not be negative", [{ field: "page_size", description: "must be 0 (the default) or more" }]);
      const size = Math.min(pageSize || defaultPageSize, maxPageSize);
      const after = pageToken === "" ? 0 : tokens.decode(pageToken);
      if (after === undefined) throw invalid("page_token is not valid: pass the next_page_token of a previous ListUsers response", [{ field: "page_token", description: "not issued by this service" }]);
      const users = await store.listAfter(after, size + 1);
      const more = users.length > size;
      if (more) users.length = size;
      return { users, nextPageToken: more ? tokens.encode(users[users.length - 1]!.id) : "" };
    },

    async *watchUsers({ roleFilter, resumeAfterId }, ctx) {
      if (resumeAfterId < 0) throw invalid("resume_after_id must not be negative", [{ field: "resume_after_id", description: "0 (a new watch) or the id of the last user received" }]);
      // Users are never deleted: a cursor naming no user was not issued by this deployment (or is made up).
      if (resumeAfterId > 0 && !(await store.get(resumeAfterId))) throw invalid(`resume_after_id ${resumeAfterId} is not a user of this service: resume with the id of the last user received`, [{ field: "resume_after_id", description: "no user has this id" }]);
      const matches = (u: UserRecord) => roleFilter === "" || u.roles.includes(roleFilter);
      const changes = new BoundedQueue<UserRecord>(watchBacklog, () => new GrpcError(Status.RESOURCE_EXHAUSTED, `The watcher fell more than ${watchBacklog} users behind; watch again`));
      const end = () => changes.fail(shuttingDown());
      if (shutdown.aborted) end();
      shutdown.addEventListener("abort", end);
      // Users commit in id order, and the store tells of them in that order: subscribe, then read the users above the
      // cursor, then send the events above the last user read. Nothing committed after the cursor is missed, and
      // nothing comes twice.
      const unsubscribe = store.onChange((u) => matches(u) && changes.push(u), () => changes.whenRoomFor(FEED_CHUNK));
      try {
        let last = resumeAfterId;
        for (let page = await store.listAfter(last, WATCH_READ_PAGE); page.length > 0; page = await store.listAfter(last, WATCH_READ_PAGE)) {
          if (shutdown.aborted) throw shuttingDown();
          for (const u of page) if (matches(u)) yield u as User;
          last = page[page.length - 1]!.id;
        }
        for (;;) {
          const next = await changes.take(ctx.signal);
          if (next.done) return;
          if (next.value.id > last) yield encodedOnce(next.value);
        }
      } finally {
        unsubscribe();
        changes.end(); // a feed waiting for room in it waits no more
        shutdown.removeEventListener("abort", end);
      }
    },

    async bulkCreateUsers(requests) {
      let created = 0;
      for await (const request of requests) {
        await create(request, `requests[${created}].`, created);
        created++;
      }
      return { createdCount: created };
    },

    userChat: (messages, ctx) => chat(room, messages, ctx, shutdown),
  };
}

/** Why a chat line cannot be sent (too long for the room: lines travel between replicas whole), or undefined. */
const textTooLong = (text: string) => (text.length > MAX_CHAT_TEXT ? new GrpcError(Status.INVALID_ARGUMENT, `A chat message's text is at most ${MAX_CHAT_TEXT} characters (this one has ${text.length})`) : undefined);

/**
 * One participant of the chat room: the first message names the sender (the authenticated principal's name when
 * auth is on) and may carry text; every later message's text goes to the room. The stream ends when the client
 * half-closes (after the messages already addressed to it) or goes away; either way it leaves the room. A text over
 * MAX_CHAT_TEXT ends it with INVALID_ARGUMENT, and the server's shutdown with UNAVAILABLE.
 */
async function* chat(room: ChatRoom, messages: AsyncIterable<ChatMessage>, ctx: ServerContext, shutdown: AbortSignal): AsyncIterable<PreparedMessage<ChatMessage>> {
  const incoming = messages[Symbol.asyncIterator]();
  const first = await incoming.next();
  if (first.done) return;
  if (shutdown.aborted) throw shuttingDown();
  const name = principalOf(ctx)?.name ?? first.value.sender.trim();
  if (!name) throw new GrpcError(Status.INVALID_ARGUMENT, "The first chat message must name its sender");
  if (name.length > MAX_CHAT_NAME) throw new GrpcError(Status.INVALID_ARGUMENT, `A chat sender's name is at most ${MAX_CHAT_NAME} characters`);
  const firstProblem = textTooLong(first.value.text);
  if (firstProblem) throw firstProblem;
  const me = room.join(name);
  if (first.value.text) room.say(me, first.value.text);
  void (async () => {
    try {
      for (let m = await incoming.next(); !m.done; m = await incoming.next()) {
        const problem = textTooLong(m.value.text);
        if (problem) return me.inbox.fail(problem);
        if (m.value.text) room.say(me, m.value.text);
      }
    } catch {
      // the client went away: the response side sees the same through ctx.signal
    } finally {
      room.leave(me);
    }
  })();
  try {
    for (let m = await me.inbox.take(ctx.signal); !m.done; m = await me.inbox.take(ctx.signal)) yield m.value;
  } finally {
    room.leave(me);
  }
}
