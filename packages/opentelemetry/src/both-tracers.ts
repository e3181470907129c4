import type { AttemptTracer, CallTracer } from "@tsgrpc/grpc";

/**
 * A call's tracer that tells both `first` (one another interceptor set, if any) and `second`: A66 lets several
 * plugins watch the same call.
 */
export function bothTracers(first: CallTracer | undefined, second: CallTracer): CallTracer {
  if (!first) return second;
  return {
    attemptStarted(info): AttemptTracer {
      const a = first.attemptStarted(info);
      const b = second.attemptStarted(info);
      return {
        messageSent: (n) => (a.messageSent(n), b.messageSent(n)),
        messageReceived: (n) => (a.messageReceived(n), b.messageReceived(n)),
        ended: (status) => (a.ended(status), b.ended(status)),
      };
    },
  };
}
