import type { ServerStream } from "@tsgrpc/http2";
import { bytesOf, type HttpExchange } from "./http-exchange.js";

/** An HttpExchange straight over a stream of tsgrpc's HTTP/2 engine: nothing in between. */
export function httpOverEngine(stream: ServerStream): HttpExchange {
  return {
    get socket() {
      return stream.socket;
    },
    get closed() {
      return stream.closed || stream.writableEnded;
    },
    get headersSent() {
      return stream.headersSent;
    },
    get needsDrain() {
      return stream.needsDrain;
    },
    drained: () => new Promise((resolve) => stream.drained(resolve)),
    read: (onData, onEnd, onClose) => stream.read(onData, onEnd, () => onClose()),
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    respond: (status, headers, end) => stream.respond({ ":status": status, ...headers }, end),
    write: (chunk) => void stream.write(bytesOf(chunk)),
    end: (chunk) => stream.end(chunk === undefined ? undefined : bytesOf(chunk)),
    discardRest: () => stream.discardRest(),
  };
}
