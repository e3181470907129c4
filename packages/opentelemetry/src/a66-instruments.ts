import type { Counter, Histogram, Meter } from "@opentelemetry/api";

// gRFC A66 (OpenTelemetry Metrics): the instruments, their units, and the bucket boundaries it recommends for the
// default views, given as advice (an SDK view may still set others).

export const LATENCY_BUCKETS = [
  0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04,
  0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 2, 5, 10, 20, 50, 100,
];
export const SIZE_BUCKETS = [0, 1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296];

/** The attribute names (A66 "Attributes"). */
export const METHOD = "grpc.method";
export const STATUS = "grpc.status";
export const TARGET = "grpc.target";
/** A66's grpc.method for a method the server does not serve. */
export const OTHER_METHOD = "other";

function latency(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, { unit: "s", description, advice: { explicitBucketBoundaries: LATENCY_BUCKETS } });
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
