/** Exit statuses of RPC failures: 64 + the gRPC status code (grpcurl's convention), so they never collide with
 * 1 (failures on this side) or 2 (usage), and scripts can tell NOT_FOUND (69) from UNAVAILABLE (78). */
export const STATUS_EXIT_BASE = 64;

export const EXIT_STATUSES = `Exit status:
  0     success
  1     a failure on this side: a schema error, a request that does not fit its message, an unreadable file, a
        server that cannot be reached (connection refused, unknown host, failed TLS handshake)
  2     a usage error: an unknown command or flag, a flag without its value, a missing or malformed argument
  64+N  the call or the reflection lookup ended with gRPC status N (69 NOT_FOUND, 76 UNIMPLEMENTED, 78 UNAVAILABLE, ...)
  130   bench interrupted by Ctrl-C`;
