import { Http2Stream } from "./stream.js";
import type { HeaderObject } from "./request-headers.js";

/**
 * A request as the client sees it: its body is sent with `write` and `end`, the response's headers come to
 * `onResponse`, its body to `read`, and its trailers (or, for a response of headers only, nothing more) are in
 * `trailers` when the body ends.
 */
export class ClientStream extends Http2Stream {
  /** The response's headers, once they came (informational 1xx responses are skipped). */
  response: HeaderObject | undefined;
  /** The response's trailers, when it had some. */
  responseTrailers: HeaderObject | undefined;
  private onResponse: ((headers: HeaderObject) => void) | undefined;

  /** Calls `callback` with the response's headers when they come (at once if they have). */
  whenResponse(callback: (headers: HeaderObject) => void): void {
    if (this.response) callback(this.response);
    else this.onResponse = callback;
  }

  /** @internal The connection sends the request's headers with this. */
  sendRequest(headers: Record<string, string | number | readonly string[] | undefined>, endStream: boolean): void {
    this.sendHeadersOnce(headers, endStream);
  }

  /** @internal */
  receiveResponse(headers: HeaderObject): void {
    this.response = headers;
    const length = headers["content-length"];
    if (typeof length === "string" && /^\d+$/.test(length)) this.declaredLength = Number(length);
    const callback = this.onResponse;
    this.onResponse = undefined;
    callback?.(headers);
  }
}
