import { GrpcError, Status } from "@tsgrpc/grpc/web";

/** How a call ended, for metrics and spans: its code, its message, and for a failure without a status, what failed. */
export interface CallEnd {
  code: Status;
  message: string;
  /** The error's class, when the call failed with something other than a GrpcError (the conventions' error.type). */
  errorType?: string;
}

function endOf(e: unknown): CallEnd {
  if (e instanceof GrpcError) return { code: e.code, message: e.rawMessage };
  const type = (e as { constructor?: { name?: string } } | null)?.constructor?.name;
  return { code: Status.UNKNOWN, message: e instanceof Error ? e.message : String(e), errorType: type || "_OTHER" };
}

/**
 * The responses, passed through, and `ended` called once as their stream ends: OK, the error it threw, or CANCELLED
 * when the reader stopped before the end (which cancels the call).
 */
export async function* watchEnd<T>(responses: AsyncIterable<T>, ended: (end: CallEnd) => void): AsyncGenerator<T, void, undefined> {
  let over = false;
  try {
    yield* responses;
    over = true;
    ended({ code: Status.OK, message: "" });
  } catch (e) {
    over = true;
    ended(endOf(e));
    throw e;
  } finally {
    if (!over) ended({ code: Status.CANCELLED, message: "The caller stopped reading the responses" });
  }
}
