import { ChatBusBase, parseChatLine, type ChatLine } from "./chat-bus.js";
import type { SqliteUserStore } from "./sqlite-store.js";
import { isRepeat, type NewUser, type UserRecord, type UserStore } from "./store.js";
import { UserFeed } from "./user-events.js";

/** The message a worker sends (and the primary forwards to the others) for each user it created. */
export const USER_CREATED = "tsgrpc:user-created";
/** The message a worker sends for each chat line (and the primary forwards to every worker, the sender included). */
export const CHAT_LINE = "tsgrpc:chat-line";

export interface UserCreatedMessage {
  type: typeof USER_CREATED;
  id: number;
}

export interface ChatLineMessage extends ChatLine {
  type: typeof CHAT_LINE;
}

export const isUserCreated = (m: unknown): m is UserCreatedMessage => (m as UserCreatedMessage | null)?.type === USER_CREATED && Number.isSafeInteger((m as UserCreatedMessage).id);
export const isChatLine = (m: unknown): m is ChatLineMessage => (m as ChatLineMessage | null)?.type === CHAT_LINE && parseChatLine(m) !== undefined;

/**
 * A SQLite store shared by the worker processes of one server (node:cluster): SQLite tells only its own process of
 * the users it commits, so each create is announced to the primary, which forwards it to the other workers. Every
 * worker follows the file with a UserFeed woken by its own creates and by the forwarded ones: SQLite has one writer
 * at a time, so ids commit in order, and each worker's watchers see every user once, in commit order, whichever
 * worker created it.
 */
export class WorkerRelayStore implements UserStore {
  private readonly feed: UserFeed;
  private readonly onMessage = (m: unknown) => isUserCreated(m) && this.feed.wake();
  private readonly unsubscribeLocal: () => void;

  constructor(private readonly inner: SqliteUserStore) {
    this.feed = new UserFeed((after, limit) => inner.listAfter(after, limit), inner.newestId());
    this.unsubscribeLocal = inner.onChange(() => this.feed.wake());
    process.on("message", this.onMessage);
  }

  async create(user: NewUser): Promise<UserRecord> {
    const created = await this.inner.create(user);
    // A repeated request_id creates nothing: no other worker has anything to read.
    if (!isRepeat(created)) process.send?.({ type: USER_CREATED, id: created.id } satisfies UserCreatedMessage);
    return created;
  }

  onChange(listener: (user: UserRecord) => void, ready?: () => Promise<void>): () => void {
    return this.feed.subscribe(listener, ready);
  }

  get(id: number): Promise<UserRecord | undefined> {
    return this.inner.get(id);
  }

  listAfter(afterId: number, limit: number): Promise<UserRecord[]> {
    return this.inner.listAfter(afterId, limit);
  }

  tokenSecret(): Promise<Uint8Array> {
    return this.inner.tokenSecret();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  async close(): Promise<void> {
    process.off("message", this.onMessage);
    this.unsubscribeLocal();
    this.feed.stop();
    await this.inner.close();
  }
}

/**
 * The chat room across the workers of one server: each line goes to the primary, which sends it to every worker,
 * this one included, so that all workers hear the lines in the primary's one order.
 */
export class WorkerChatBus extends ChatBusBase {
  private readonly onMessage = (m: unknown) => isChatLine(m) && this.heard(parseChatLine(m)!);

  constructor() {
    super();
    process.on("message", this.onMessage);
  }

  async publish(line: ChatLine): Promise<void> {
    const message: ChatLineMessage = { type: CHAT_LINE, ...line };
    await new Promise<void>((resolve, reject) => process.send!(message, undefined, undefined, (e) => (e ? reject(e) : resolve())));
  }

  close(): void {
    process.off("message", this.onMessage);
  }
}
