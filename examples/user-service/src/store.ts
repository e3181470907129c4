import { GrpcError, Status } from "@tsgrpc/grpc";
import { UserStatus } from "./gen/user_service_pb.js";

/** A user as the store keeps it. */
export interface UserRecord {
  id: number;
  username: string;
  email: string;
  roles: string[];
  status: UserStatus;
}

export interface NewUser {
  username: string;
  email: string;
}

/** A username or email that another user already has. */
export class DuplicateUserError extends Error {
  constructor(readonly field: "username" | "email", readonly value: string) {
    super(`a user with ${field} "${value}" already exists`);
  }
}

/**
 * The store cannot be reached now (the database is down or restarting): a call that meets it ends UNAVAILABLE, which
 * a client may retry, instead of an internal error.
 */
export class StoreUnavailableError extends GrpcError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(Status.UNAVAILABLE, message, options);
  }
}

/** The records `create` returned for a create repeated, not for a new user: whatever relays creates must skip them. */
const repeats = new WeakSet<UserRecord>();
/** Marks a record `create` returns for a create repeated (see UserStore.create). */
export const repeatOf = (user: UserRecord): UserRecord => (repeats.add(user), user);
/** Whether `create` returned this record for a create repeated: the user was announced when it was first created. */
export const isRepeat = (user: UserRecord): boolean => repeats.has(user);

/**
 * Where users live. Methods are asynchronous so that a networked store (PostgreSQL, for several replicas) fits the
 * same shape as the embedded SQLite one. Listeners hear of every user created, after it is committed.
 */
export interface UserStore {
  get(id: number): Promise<UserRecord | undefined>;
  /**
   * Creates a user with role `user` and status ACTIVE. Throws DuplicateUserError when another user has the username or
   * the email. A user with this very username and email (byte for byte) is this create repeated, a retry whose first
   * attempt committed but whose answer was lost (a replica killed mid-call, a client's UNAVAILABLE retry): that user
   * is returned as it is (marked: isRepeat), not created again and not announced again, so that a retried create or
   * batch is safe.
   */
  create(user: NewUser): Promise<UserRecord>;
  /** Users with id greater than `afterId`, in id order, at most `limit` of them. */
  listAfter(afterId: number, limit: number): Promise<UserRecord[]>;
  /** Subscribes to users as they are committed; returns the unsubscribe function. */
  onChange(listener: (user: UserRecord) => void): () => void;
  /** A secret for signing page tokens, the same for every replica on the same data. */
  tokenSecret(): Promise<Uint8Array>;
  /** Resolves when the store answers a query (for health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
