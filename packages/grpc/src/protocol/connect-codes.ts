import { Status } from "../status.js";

/** Connect's error codes are gRPC's status names in lower snake case, except CANCELLED, spelled "canceled". */
export function connectCode(status: Status): string {
  return status === Status.CANCELLED ? "canceled" : (Status[status] ?? "UNKNOWN").toLowerCase();
}

/** The gRPC status of a Connect code string; undefined for a string that is no code. */
export function statusOfConnectCode(code: string): Status | undefined {
  if (code === "canceled") return Status.CANCELLED;
  if (code === "cancelled" || code === "ok") return undefined;
  const status = (Status as unknown as Record<string, number | undefined>)[code.toUpperCase()];
  return typeof status === "number" ? status : undefined;
}

/** The HTTP status of a unary Connect error (connectrpc.com/docs/protocol#error-codes). */
export function httpStatusOf(status: Status): number {
  switch (status) {
    case Status.CANCELLED: return 499;
    case Status.INVALID_ARGUMENT:
    case Status.FAILED_PRECONDITION:
    case Status.OUT_OF_RANGE: return 400;
    case Status.DEADLINE_EXCEEDED: return 504;
    case Status.NOT_FOUND: return 404;
    case Status.ALREADY_EXISTS:
    case Status.ABORTED: return 409;
    case Status.PERMISSION_DENIED: return 403;
    case Status.RESOURCE_EXHAUSTED: return 429;
    case Status.UNIMPLEMENTED: return 501;
    case Status.UNAVAILABLE: return 503;
    case Status.UNAUTHENTICATED: return 401;
    default: return 500; // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

/** The code a Connect client reports for an HTTP error whose body is no Connect error (the spec's HTTP-to-code table). */
export function statusOfHttp(httpStatus: number): Status {
  switch (httpStatus) {
    case 400: return Status.INTERNAL;
    case 401: return Status.UNAUTHENTICATED;
    case 403: return Status.PERMISSION_DENIED;
    case 404: return Status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504: return Status.UNAVAILABLE;
    default: return Status.UNKNOWN;
  }
}
