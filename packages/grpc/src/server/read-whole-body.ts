import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import type { HttpExchange } from "./http-exchange.js";

/**
 * Gathers a request body whole (a unary Connect or a REST call's one message): `onBody` gets it (undefined when there
 * was none) once it has ended; past `limit` bytes the call fails with RESOURCE_EXHAUSTED and the rest is ignored.
 */
export function readWholeBody(
  http: HttpExchange,
  limit: number,
  onBody: (body: Uint8Array | undefined) => void,
  onError: (e: unknown) => void,
  onClose: () => void,
): void {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let failed = false;
  let joined = 0;
  http.read(
    (chunk) => {
      if (failed || chunk.length === 0) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        return onError(new GrpcError(Status.RESOURCE_EXHAUSTED, `Received message larger than max (more than ${limit} bytes)`));
      }
      chunks.push(chunk);
      // Chunks are joined 64 at a time as they come (a body trickled a byte at a time is not kept as a million objects);
      // each byte is copied once more at most.
      if (chunks.length - joined >= 64) {
        chunks.push(Buffer.concat(chunks.splice(joined)));
        joined = chunks.length;
      }
    },
    () => {
      if (!failed) onBody(chunks.length <= 1 ? chunks[0] : Buffer.concat(chunks));
    },
    onClose,
  );
}
