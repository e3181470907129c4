import type { IncomingHttpHeaders } from "node:http2";
import type { CallExchange } from "../call-exchange.js";
import type { Route } from "../call-runner.js";
import type { CorsPolicy } from "../cors.js";
import type { HttpExchange } from "../http-exchange.js";
import type { ConnectFormat } from "./connect-format.js";

export interface ConnectAdapterOptions {
  cors: CorsPolicy;
  secure: boolean;
  maxReceiveMessageSize: number;
}

/** Starts the call of a Connect request, with its headers as the call sees them. */
export type StartConnectCall = (exchange: CallExchange, headers: IncomingHttpHeaders) => void;

export class ConnectAdapter {
  constructor(private readonly options: ConnectAdapterOptions) {}

  serve(http: HttpExchange, request: { method: string; path: string; headers: IncomingHttpHeaders }, route: Route, format: ConnectFormat | undefined, start: StartConnectCall): void {
    void this.options, request, route, format, start;
    http.respond(501, {}, true);
    http.discardRest();
  }
}
