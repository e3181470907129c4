import { Metadata } from "./metadata.js";
import { Status } from "./status.js";

export interface GrpcErrorOptions {
  /** Trailers to send with the status (server) or that came with it (client). */
  metadata?: Metadata;
  /** google.rpc.Status details, each an Any: { typeUrl, value }. Sent as grpc-status-details-bin. */
  details?: { typeUrl: string; value: Uint8Array }[];
  cause?: unknown;
}

/**
 * A gRPC status other than OK. Handlers throw it; clients receive it. `rawMessage` is the status message as sent
 * (the Error's `message` is prefixed with the code name, for logs).
 */
export class GrpcError extends Error {
  override name = "GrpcError";
  readonly metadata: Metadata;
  readonly details: { typeUrl: string; value: Uint8Array }[];

  constructor(readonly code: Status, readonly rawMessage = "", options: GrpcErrorOptions = {}) {
    super(`${Status[code] ?? code}: ${rawMessage}`, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.metadata = options.metadata ?? new Metadata();
    this.details = options.details ?? [];
  }

  /** Any thrown value as a GrpcError: a GrpcError stays as it is; anything else is UNKNOWN, with its text hidden. */
  static from(error: unknown, hide = true): GrpcError {
    if (error instanceof GrpcError) return error;
    return new GrpcError(Status.UNKNOWN, hide ? "Unexpected error in the handler" : String((error as Error)?.message ?? error), { cause: error });
  }
}
