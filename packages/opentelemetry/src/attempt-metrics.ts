import type { Attributes } from "@opentelemetry/api";
import type { AttemptTracer, CallTracer, GrpcError } from "@tsgrpc/grpc";
import { Status } from "@tsgrpc/grpc/web";
import { type ClientInstruments, METHOD, STATUS, TARGET } from "./a66-instruments.js";
import { statusName } from "./status-name.js";

/** gRFC A66's per-attempt client metrics for one call: a CallTracer the client interceptor puts in the call's options. */
export function attemptMetrics(instruments: ClientInstruments, method: string): CallTracer {
  return {
    attemptStarted({ target }): AttemptTracer {
      const base: Attributes = { [METHOD]: method, [TARGET]: target };
      instruments.attemptStarted.add(1, base);
      const started = performance.now();
      let sent = 0;
      let received = 0;
      return {
        messageSent: (bytes) => void (sent += bytes),
        messageReceived: (bytes) => void (received += bytes),
        ended(status: GrpcError | null) {
          const attributes = { ...base, [STATUS]: statusName(status?.code ?? Status.OK) };
          instruments.attemptDuration.record((performance.now() - started) / 1000, attributes);
          instruments.attemptSentSize.record(sent, attributes);
          instruments.attemptRcvdSize.record(received, attributes);
        },
      };
    },
  };
}
