import type { Counter, Histogram, Meter } from "@opentelemetry/api";
import { LATENCY_BUCKETS } from "@tsgrpc/grpc/web";

// gRFC A66 (OpenTelemetry Metrics): the instruments, their units, and the bucket boundaries it recommends for the
// default views, given as advice (an SDK view may still set others).

export { LATENCY_BUCKETS };
export const SIZE_BUCKETS = [0, 1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296];

/** The attribute names (A66 "Attributes"). */
export const METHOD = "grpc.method";
export const STATUS = "grpc.status";
export const TARGET = "grpc.target";
/** A66's grpc.method for a method the server does not serve. */
export const OTHER_METHOD = "other";

function latency(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, { unit: "s", description, advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS] } });
}

function size(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, { unit: "By", description, advice: { explicitBucketBoundaries: SIZE_BUCKETS } });
}

export interface ClientInstruments {
  attemptStarted: Counter;
  attemptDuration: Histogram;
  attemptSentSize: Histogram;
  attemptRcvdSize: Histogram;
  callDuration: Histogram;
}

export function clientInstruments(meter: Meter): ClientInstruments {
  return {
    attemptStarted: meter.createCounter("grpc.client.attempt.started", { unit: "{attempt}", description: "The total number of RPC attempts started, including those that have not completed." }),
    attemptDuration: latency(meter, "grpc.client.attempt.duration", "End-to-end time taken to complete an RPC attempt including the time it takes to pick a subchannel."),
    attemptSentSize: size(meter, "grpc.client.attempt.sent_total_compressed_message_size", "Total bytes (compressed but not encrypted) sent across all request messages (metadata excluded) per RPC attempt; does not include grpc or transport framing bytes."),
    attemptRcvdSize: size(meter, "grpc.client.attempt.rcvd_total_compressed_message_size", "Total bytes (compressed but not encrypted) received across all response messages (metadata excluded) per RPC attempt; does not include grpc or transport framing bytes."),
    callDuration: latency(meter, "grpc.client.call.duration", "Time taken by gRPC to complete an RPC from application's perspective."),
  };
}

export interface ServerInstruments {
  callStarted: Counter;
  callDuration: Histogram;
  sentSize: Histogram;
  rcvdSize: Histogram;
}

export function serverInstruments(meter: Meter): ServerInstruments {
  return {
    callStarted: meter.createCounter("grpc.server.call.started", { unit: "{call}", description: "The total number of RPCs started, including those that have not completed." }),
    callDuration: latency(meter, "grpc.server.call.duration", "End-to-end time taken to complete a call from server transport's perspective."),
    sentSize: size(meter, "grpc.server.call.sent_total_compressed_message_size", "Total bytes (compressed but not encrypted) sent across all response messages (metadata excluded) per RPC; does not include grpc or transport framing bytes."),
    rcvdSize: size(meter, "grpc.server.call.rcvd_total_compressed_message_size", "Total bytes (compressed but not encrypted) received across all request messages (metadata excluded) per RPC; does not include grpc or transport framing bytes."),
  };
}
