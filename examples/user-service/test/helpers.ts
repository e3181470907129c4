import { createChannel, createClient, Metadata } from "@tsgrpc/grpc";
import type { Channel, Client } from "@tsgrpc/grpc";
import { createApp, type App, type AppOptions } from "../src/app.js";
import { UserService } from "../src/gen/user_service_pb.js";

export interface Running {
  app: App;
  port: number;
  channel: Channel;
  client: Client<typeof UserService>;
  stop(): Promise<void>;
}

/** The app on an in-memory store (unless `db` says otherwise), listening on a free loopback port, with a client. */
export async function startApp(options: Partial<AppOptions> = {}): Promise<Running> {
  const app = await createApp({ db: ":memory:", ...options });
  const port = await app.listen("127.0.0.1:0");
  const channel = createChannel(`127.0.0.1:${port}`);
  return {
    app,
    port,
    channel,
    client: createClient(UserService, channel),
    async stop() {
      channel.close();
      await app.shutdown(200);
    },
  };
}

export const bearer = (token: string) => ({ metadata: new Metadata({ authorization: `Bearer ${token}` }) });

/** Collects up to `n` messages of a stream (then stops reading), or all of them when it ends first. */
export async function take<T>(stream: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  if (n === 0) return out;
  for await (const m of stream) {
    out.push(m);
    if (out.length >= n) break;
  }
  return out;
}

/** How often `until` looks again: events that cross processes and a database offer no promise to await. */
const POLL_MS = 10;

/** Waits until `check` holds: a poll bounded at `boundMs` (default 30 s), failing with what it waited for. */
export async function until(check: () => boolean | Promise<boolean>, what: string, boundMs = 30_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
