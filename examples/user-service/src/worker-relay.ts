import type { NewUser, UserRecord, UserStore } from "./store.js";

/** The message a worker sends (and the primary forwards to the others) for each user it created. */
export const USER_CREATED = "tsgrpc:user-created";

export interface UserCreatedMessage {
  type: typeof USER_CREATED;
  id: number;
}

export const isUserCreated = (m: unknown): m is UserCreatedMessage => (m as UserCreatedMessage | null)?.type === USER_CREATED && Number.isSafeInteger((m as UserCreatedMessage).id);

/**
 * A SQLite store shared by the worker processes of one server (node:cluster): SQLite tells only its own process of
 * the users it commits, so each create is announced to the primary, which forwards it to the other workers, where
 * the user is read back and handed to that worker's watchers. Each worker's watchers see every user once; users
 * created on different workers may reach them in different orders. (A PostgreSQL store needs no relay: its
 * notifications reach every process.)
 */
export class WorkerRelayStore implements UserStore {
  private readonly listeners = new Set<(user: UserRecord) => void>();
  private readonly onMessage = (m: unknown) => isUserCreated(m) && void this.relayed(m.id);

  constructor(private readonly inner: UserStore) {
    process.on("message", this.onMessage);
  }

  async create(user: NewUser): Promise<UserRecord> {
    const created = await this.inner.create(user);
    process.send?.({ type: USER_CREATED, id: created.id } satisfies UserCreatedMessage);
    return created;
  }

  private async relayed(id: number): Promise<void> {
    const user = await this.inner.get(id).catch(() => undefined);
    if (user) for (const listener of this.listeners) listener(user);
  }

  onChange(listener: (user: UserRecord) => void): () => void {
    const local = this.inner.onChange(listener);
    this.listeners.add(listener);
    return () => {
      local();
      this.listeners.delete(listener);
    };
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
    this.listeners.clear();
    await this.inner.close();
  }
}
