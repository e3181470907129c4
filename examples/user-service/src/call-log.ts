import { GrpcError, Status } from "@tsgrpc/grpc";
import type { ServerInterceptor } from "@tsgrpc/grpc";

/** One line of the call log. */
export interface CallLogEntry {
  time: string;
  method: string;
  peer: string;
  status: string;
  durationMs: number;
  message?: string;
}

/**
 * Structured logging of every call: method, peer, final status and duration, written when the call ends, however it
 * ends (a handler error, a cancel, the deadline).
 */
export function callLog(write: (entry: CallLogEntry) => void): ServerInterceptor {
  return (next) =>
    async function* (call) {
      const started = performance.now();
      let error: GrpcError | undefined;
      try {
        yield* next(call);
      } catch (e) {
        error = e instanceof GrpcError ? e : new GrpcError(Status.UNKNOWN, "handler failed");
        throw e;
      } finally {
        // A cancel or an expired deadline ends the call from outside: the signal's reason says which.
        error ??= call.ctx.signal.aborted ? GrpcError.from(call.ctx.signal.reason) : undefined;
        const entry: CallLogEntry = { time: new Date().toISOString(), method: call.method.path, peer: call.ctx.peer, status: Status[error?.code ?? Status.OK] ?? String(error?.code), durationMs: Math.round((performance.now() - started) * 100) / 100 };
        if (error?.rawMessage) entry.message = error.rawMessage;
        write(entry);
      }
    };
}
