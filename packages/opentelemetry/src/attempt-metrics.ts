import type { AttemptTracer, CallTracer, GrpcError } from "@tsgrpc/grpc";
import { Status } from "@tsgrpc/grpc/web";
import { type ClientInstruments, METHOD, STATUS, TARGET } from "./a66-instruments.js";
import { AttributeCache } from "./attribute-cache.js";
import { statusName } from "./status-name.js";

/** The client's A66 metrics: per attempt (through the call's tracer) and per call. */
export class ClientMetrics {
  private readonly attributes = new AttributeCache();

  constructor(private readonly instruments: ClientInstruments) {}

  /** grpc.method and grpc.target, with grpc.status when given. */
  private attributesOf(method: string, target: string, status?: Status) {
    return this.attributes.get(`${method} ${target} ${status}`, () => ({ [METHOD]: method, [TARGET]: target, ...(status !== undefined && { [STATUS]: statusName(status) }) }));
  }

  /** The CallTracer of one call: each attempt counted, timed and its messages' sizes added up. */
  attempts(method: string): CallTracer {
    return {
      attemptStarted: ({ target }): AttemptTracer => {
        this.instruments.attemptStarted.add(1, this.attributesOf(method, target));
        const started = performance.now();
        let sent = 0;
        let received = 0;
        return {
          messageSent: (bytes) => void (sent += bytes),
          messageReceived: (bytes) => void (received += bytes),
          ended: (status: GrpcError | null) => {
            const attributes = this.attributesOf(method, target, status?.code ?? Status.OK);
            this.instruments.attemptDuration.record((performance.now() - started) / 1000, attributes);
            this.instruments.attemptSentSize.record(sent, attributes);
            this.instruments.attemptRcvdSize.record(received, attributes);
          },
        };
      },
    };
  }

  callEnded(method: string, target: string, status: Status, seconds: number): void {
    this.instruments.callDuration.record(seconds, this.attributesOf(method, target, status));
  }
}
