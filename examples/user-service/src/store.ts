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
  /**
   * The create's request id (AIP-155), chosen by the client and the same on each retry; empty or absent: none. At
   * most one user is created per request id, and a create repeating one returns that user (see UserStore.create).
   */
  requestId?: string;
}

/** A username or email that another user already has. */
export class DuplicateUserError extends Error {
  constructor(readonly field: "username" | "email", readonly value: string) {
    super(`a user with ${field} "${value}" already exists`);
  }
}

/**
 * A request id (NewUser.requestId) already used for a create with another username or email: a different request,
 * so the client's mistake (INVALID_ARGUMENT), not a user that exists.
 */
export class RequestIdReusedError extends Error {
  constructor(readonly requestId: string) {
    super(`request_id "${requestId}" was already used for a create with a different username or email`);
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

/** The records `create` returned for a repeated request id, not for a new user: whatever relays creates must skip them. */
const repeats = new WeakSet<UserRecord>();
/** Marks a record `create` returns for a repeated request id (see UserStore.create). */
const repeatOf = (user: UserRecord): UserRecord => (repeats.add(user), user);
/** Whether `create` returned this record for a repeated request id: the user was announced when it was first created. */
export const isRepeat = (user: UserRecord): boolean => repeats.has(user);

/**
 * What `create` answers for a request id a committed user already has: that user, marked as a repeat, when the create
 * asks for the same username and email (byte for byte); else RequestIdReusedError.
 */
export function repeatedCreate(existing: UserRecord, user: NewUser): UserRecord {
  if (existing.username !== user.username || existing.email !== user.email) throw new RequestIdReusedError(user.requestId!);
  return repeatOf(existing);
}

/**
 * Where users live. Methods are asynchronous so that a networked store (PostgreSQL, for several replicas) fits the
 * same shape as the embedded SQLite one. Users commit in id order (a user with a higher id commits after every user
 * with a lower one), and listeners hear of every user created, after it is committed, in that order: so "the users
 * with an id above N" is exactly "the users committed after user N", the cursor of a resumed WatchUsers.
 */
export interface UserStore {
  get(id: number): Promise<UserRecord | undefined>;
  /**
   * Creates a user with role `user` and status ACTIVE. Throws DuplicateUserError when another user has the username or
   * the email. With a request id that a committed create already had (a retry whose first attempt committed but whose
   * answer was lost: a replica killed mid-call, a client's UNAVAILABLE retry), returns the user that create made, as
   * it is (marked: isRepeat), not created again and not announced again, so that a retried create or batch is safe;
   * throws RequestIdReusedError if that create had another username or email (byte for byte). Race-free across
   * replicas: creates with the same request id at the same time make one user, and the others return it.
   */
  create(user: NewUser): Promise<UserRecord>;
  /** Users with id greater than `afterId`, in id order, at most `limit` of them. */
  listAfter(afterId: number, limit: number): Promise<UserRecord[]>;
  /**
   * Subscribes to users as they are committed, in commit (= id) order, each once; returns the unsubscribe function.
   * `ready`, when given, resolves when the listener has room for more: a store that reads bursts of users from its
   * database waits for it a little (see FEED_PACE_MS in user-events.ts).
   */
  onChange(listener: (user: UserRecord) => void, ready?: () => Promise<void>): () => void;
  /** A secret for signing page tokens, the same for every replica on the same data. */
  tokenSecret(): Promise<Uint8Array>;
  /** Resolves when the store answers a query (for health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
