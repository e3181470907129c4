import { Status } from "@tsgrpc/grpc/web";

/** A status code's name ("OK", "DEADLINE_EXCEEDED"), as A66's grpc.status and the conventions' rpc.status_code want it. */
export function statusName(code: Status): string {
  return Status[code] ?? String(code);
}
