import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import type { ServerStream } from "@tsgrpc/http2";
import type { HeaderMap } from "./call-exchange.js";
import { closeAfterStatus } from "./http2-exchange.js";
import { EngineDuplex } from "./engine-duplex.js";

/**
 * An HTTP request and its response with node's stream API, the same shape over HTTP/1.1 and either HTTP/2
 * implementation: what the router's refusals and the gRPC-Web and Connect adapters need.
 */
export interface HttpExchange {
  readonly body: Readable;
  readonly out: Writable;
  readonly socket: Socket | undefined;
  /** Sends the response status and headers; `end`: and no body. */
  respond(status: number, headers: HeaderMap, end: boolean): void;
  /** The status is out but the request is still arriving: drop the rest. */
  discardRest(): void;
}

export function httpOverNodeHttp2(stream: ServerHttp2Stream): HttpExchange {
  return {
    body: stream,
    out: stream,
    socket: stream.session?.socket as Socket | undefined,
    respond: (status, headers, end) => stream.respond({ ":status": status, ...headers }, { endStream: end }),
    discardRest: () => closeAfterStatus(stream),
  };
}

export function httpOverEngine(stream: ServerStream): HttpExchange {
  const body = new EngineDuplex(stream);
  return {
    body,
    out: body,
    socket: stream.socket,
    respond: (status, headers, end) => stream.respond({ ":status": status, ...headers }, end),
    discardRest: () => stream.discardRest(),
  };
}

export function httpOverHttp1(req: IncomingMessage, res: ServerResponse): HttpExchange {
  return {
    body: req,
    out: res,
    socket: req.socket,
    respond: (status, headers, end) => {
      res.writeHead(status, headers);
      if (end) res.end();
    },
    discardRest: () => req.resume(),
  };
}
