import { Status } from "../status.js";

/** The status a client reports for a response without grpc-status (doc/http-grpc-status-mapping.md). */
export function statusFromHttp(httpStatus: number): Status {
  switch (httpStatus) {
    case 400: return Status.INTERNAL;
    case 401: return Status.UNAUTHENTICATED;
    case 403: return Status.PERMISSION_DENIED;
    case 404: return Status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504: return Status.UNAVAILABLE;
    case 431: return Status.INTERNAL;
    default: return Status.UNKNOWN;
  }
}

/** The status for a stream reset without trailers, by RST_STREAM code (PROTOCOL-HTTP2.md). */
export function statusFromRstCode(code: number): Status {
  switch (code) {
    case 0x7: return Status.UNAVAILABLE; // REFUSED_STREAM: safe to retry
    case 0x8: return Status.CANCELLED; // CANCEL
    case 0xb: return Status.RESOURCE_EXHAUSTED; // ENHANCE_YOUR_CALM
    case 0xc: return Status.PERMISSION_DENIED; // INADEQUATE_SECURITY
    default: return Status.INTERNAL;
  }
}
