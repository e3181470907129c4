import type { IncomingHttpHeaders } from "node:http2";
import { constants } from "node:http2";
import { Health, ServingStatus } from "../../health/health-service.js";
import { EnvelopeReader, encodeEnvelope } from "../../protocol/envelope.js";
import { decodeMessage } from "../../protocol/decode-message.js";
import { statusFromFields } from "../../protocol/status-fields.js";
import { Status } from "../../status.js";
import type { CallConnection } from "../call-stream.js";

/** A health update, or the end of the watch with its status code (OK never: a Watch does not end by itself). */
export interface HealthEvents {
  onStatus(serving: boolean, status: ServingStatus): void;
  onEnd(code: Status, message: string): void;
}

/**
 * gRPC's client-side health checking (gRFC A17): a grpc.health.v1.Health/Watch call for `serviceName` on one
 * connection, outside the channel's picker and not counted as a call (it neither keeps the process alive nor holds
 * off the idle timeout). Returns the function that cancels it.
 */
export function watchHealth(connection: CallConnection, secure: boolean, serviceName: string, events: HealthEvents): () => void {
  const reader = new EnvelopeReader(64 * 1024);
  let ended = false;
  let headers: IncomingHttpHeaders | undefined;
  let trailers: IncomingHttpHeaders | undefined;
  const end = (code: Status, message: string) => !ended && ((ended = true), events.onEnd(code, message));
  const stream = connection.open(
    { ":method": "POST", ":path": Health.methods.watch.path, ":scheme": secure ? "https" : "http", "content-type": "application/grpc", te: "trailers" },
    {
      onResponse: (h) => {
        headers = h;
        if (h["grpc-status"] !== undefined) trailers = h;
      },
      onData: (chunk) => {
        if (ended || Number(headers?.[":status"]) !== 200) return;
        try {
          for (const envelope of reader.push(chunk)) {
            const { status } = decodeMessage(Health.methods.watch.output, envelope, "identity", 64 * 1024, "response");
            events.onStatus(status === ServingStatus.SERVING, status);
          }
        } catch (e) {
          stream.close(constants.NGHTTP2_CANCEL);
          end(Status.INTERNAL, `a health response could not be read: ${(e as Error).message}`);
        }
      },
      onTrailers: (t) => (trailers = t),
      onClose: () => {
        const status = trailers ? statusFromFields(trailers) : undefined;
        if (status) end(status.code, status.rawMessage);
        else end(status === null ? Status.OK : Status.UNAVAILABLE, status === null ? "the health watch ended" : "the health watch's stream closed without a status");
      },
    },
  );
  stream.write(encodeEnvelope(Health.methods.watch.input.encode({ service: serviceName })));
  stream.end();
  return () => {
    ended = true;
    if (!stream.destroyed) stream.close(constants.NGHTTP2_CANCEL);
  };
}
