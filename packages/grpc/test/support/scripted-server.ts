import { createServer, constants, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from "node:http2";
import type { AddressInfo } from "node:net";
import { UserService } from "../user-service-fixture.js";

/** What the scripted server does with one attempt of a call. */
export interface AttemptScript {
  /** The grpc-status to answer with (0: OK, with a GetUserResponse); ignored with `refuse` or `hang`. */
  status?: number;
  /** The grpc-retry-pushback-ms trailer, as sent (any text, to test garbage). */
  pushback?: string;
  /** RST_STREAM(REFUSED_STREAM) before anything: the attempt never reached an application. */
  refuse?: boolean;
  /** Never answer; the attempt ends when the client cancels it. */
  hang?: boolean;
  /** Send response headers first and the status in trailers (a committed attempt), instead of trailers-only. */
  headersFirst?: boolean;
}

/** One attempt as the server saw it. */
export interface SeenAttempt {
  readonly call: string;
  readonly previousAttempts: string | undefined;
  /** The grpc-timeout header, in milliseconds (undefined without one). */
  readonly timeoutMs: number | undefined;
  readonly at: number;
  /** Request messages received (envelopes counted). */
  messages: number;
  cancelled: boolean;
}

const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

function timeoutMs(header: string | undefined): number | undefined {
  const m = header === undefined ? null : /^(\d{1,8})([HMSmun])$/.exec(header);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

function envelope(bytes: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + bytes.length);
  out.writeUInt32BE(bytes.length, 1);
  out.set(bytes, 5);
  return out;
}

const RESPONSE = envelope(UserService.methods.getUser.output.encode({ user: { id: 1, username: "ada" } } as never));

/**
 * A gRPC server on node:http2 (neither tsgrpc's server nor any client under test; a tsgrpc server could not send
 * grpc-retry-pushback-ms, "grpc-" metadata being reserved) answering UserService calls as `script(call, attempt,
 * headers)` says, where `call` is the request's `x-call` metadata and `attempt` counts from 0 per call. It records
 * every attempt it sees, with the grpc-previous-rpc-attempts header it carried: the ground truth of what a client's
 * retry logic did. `GET /attempts/CALL` answers a call's attempts as JSON, for a server in another process.
 */
export class ScriptedServer {
  readonly seen: SeenAttempt[] = [];
  private readonly server: Http2Server;
  private readonly counts = new Map<string, number>();
  private readonly sessions = new Set<ServerHttp2Session>();
  port = 0;

  constructor(private readonly script: (call: string, attempt: number, headers: IncomingHttpHeaders) => AttemptScript) {
    this.server = createServer();
    this.server.on("stream", (stream, headers) => this.answer(stream, headers as Record<string, string>));
    this.server.on("session", (session) => {
      this.sessions.add(session);
      session.on("close", () => this.sessions.delete(session));
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return (this.port = (this.server.address() as AddressInfo).port);
  }

  attemptsOf(call: string): SeenAttempt[] {
    return this.seen.filter((a) => a.call === call);
  }

  /** Stops listening and ends every connection, hanging attempts included. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions) session.destroy();
    return closed;
  }

  private answer(stream: ServerHttp2Stream, headers: Record<string, string>): void {
    if (headers[":method"] === "GET" && headers[":path"]?.startsWith("/attempts/")) {
      stream.respond({ ":status": 200, "content-type": "application/json" });
      return void stream.end(JSON.stringify(this.attemptsOf(decodeURIComponent(headers[":path"].slice("/attempts/".length)))));
    }
    const call = headers["x-call"] ?? "";
    const n = this.counts.get(call) ?? 0;
    this.counts.set(call, n + 1);
    const seen: SeenAttempt = { call, previousAttempts: headers["grpc-previous-rpc-attempts"], timeoutMs: timeoutMs(headers["grpc-timeout"]), at: Date.now(), messages: 0, cancelled: false };
    this.seen.push(seen);
    const plan = this.script(call, n, headers);
    stream.on("error", () => {});
    stream.on("close", () => (seen.cancelled = stream.rstCode === constants.NGHTTP2_CANCEL));
    if (plan.refuse) return void stream.close(constants.NGHTTP2_REFUSED_STREAM);
    let body = Buffer.alloc(0);
    stream.on("data", (chunk: Buffer) => {
      body = Buffer.concat([body, chunk]);
      while (body.length >= 5 && body.length >= 5 + body.readUInt32BE(1)) {
        seen.messages++;
        body = body.subarray(5 + body.readUInt32BE(1));
      }
    });
    if (plan.hang) return;
    // Answered once the requests are in, as a handler that read them would.
    stream.on("end", () => {
      if (stream.destroyed) return;
      const status = plan.status ?? 0;
      const trailers: Record<string, string> = { "grpc-status": String(status), ...(status !== 0 && { "grpc-message": `scripted failure of attempt ${n + 1}` }) };
      if (plan.pushback !== undefined) trailers["grpc-retry-pushback-ms"] = plan.pushback;
      if (status === 0 || plan.headersFirst) {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers(trailers));
        // GetUser gets a user; other methods an empty message, which any response type decodes.
        stream.end(status !== 0 ? undefined : headers[":path"]?.endsWith("/GetUser") ? RESPONSE : envelope(new Uint8Array()));
      } else {
        stream.respond({ ":status": 200, "content-type": "application/grpc", ...trailers }, { endStream: true });
      }
    });
  }
}
