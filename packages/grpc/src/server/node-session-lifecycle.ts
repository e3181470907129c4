import type { ServerHttp2Session } from "node:http2";

/**
 * gRPC's max connection age on a node:http2 session: `close()` at `ageMs` (GOAWAY; the open streams finish), and
 * `destroy()` `graceMs` later.
 *
 * It is a single GOAWAY, not tsgrpc's engine's two phases (ServerConnection.close): node has no call for nghttp2's
 * shutdown notice, and once any other GOAWAY is out nghttp2 takes no new stream (and reads nothing more when none is
 * open), so a first GOAWAY 2^31-1 would not let a racing stream in. Such a stream is refused, safe to retry.
 */
export function limitSessionAge(session: ServerHttp2Session, ageMs: number, graceMs: number | undefined): void {
  const timers: NodeJS.Timeout[] = [];
  timers.push(setTimeout(() => {
    session.close();
    if (graceMs !== undefined) timers.push(setTimeout(() => session.destroy(), graceMs).unref());
  }, ageMs).unref());
  session.once("close", () => timers.forEach(clearTimeout));
}
