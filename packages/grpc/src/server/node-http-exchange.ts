import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { waitForDrain } from "../protocol/write-message.js";
import type { HeaderMap } from "./call-exchange.js";
import { closeAfterStatus } from "./http2-exchange.js";
import type { HttpExchange } from "./http-exchange.js";

/** An HttpExchange over node's request and response streams (node:http2's one stream, or node:http's two). */
function overNodeStreams(
  body: Readable,
  out: Writable & { readonly headersSent: boolean },
  socket: Socket | undefined,
  respond: (status: number, headers: HeaderMap, end: boolean) => void,
  discardRest: () => void,
): HttpExchange {
  return {
    socket,
    get closed() {
      return out.destroyed || out.writableEnded;
    },
    get headersSent() {
      return out.headersSent;
    },
    get needsDrain() {
      return out.writableNeedDrain;
    },
    drained: () => waitForDrain(out),
    read(onData, onEnd, onClose) {
      body.on("data", onData);
      body.on("end", onEnd);
      body.on("error", () => {});
      out.on("close", onClose);
    },
    pause: () => body.pause(),
    resume: () => body.resume(),
    respond,
    write: (chunk) => out.write(chunk),
    end: (chunk) => (chunk === undefined ? out.end() : out.end(chunk)),
    discardRest,
  };
}

export function httpOverNodeHttp2(stream: ServerHttp2Stream): HttpExchange {
  return overNodeStreams(
    stream,
    stream,
    stream.session?.socket as Socket | undefined,
    (status, headers, end) => stream.respond({ ":status": status, ...headers }, { endStream: end }),
    () => closeAfterStatus(stream),
  );
}

export function httpOverNodeHttp1(req: IncomingMessage, res: ServerResponse): HttpExchange {
  return overNodeStreams(
    req,
    res,
    req.socket,
    (status, headers, end) => {
      res.writeHead(status, headers);
      if (end) res.end();
    },
    () => req.resume(),
  );
}
