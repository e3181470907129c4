#!/usr/bin/env node
// The UserService example server, with its web console at http://host:port/:
//   npm start [-- --port N] [--host H] [--db PATH|:memory:|postgres://...] [--workers N|auto] [--shutdown-grace SECONDS] [--auth TOKENS.json] [--allow-origin ORIGIN]... [--quiet]
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createApp } from "./app.js";
import { parseTokens } from "./auth.js";
import { LISTENING, runPrimary, SHUTDOWN } from "./cluster-primary.js";
import { openStore } from "./open-store.js";

const USAGE = "usage: npm start -- [--port N] [--host HOST] [--db PATH|:memory:|postgres://USER:PASSWORD@HOST:PORT/DB] [--workers N|auto] [--shutdown-grace SECONDS] [--auth TOKENS.json] [--allow-origin ORIGIN]... [--quiet]";
const CONSOLE_DIR = fileURLToPath(new URL("../console", import.meta.url));

function options() {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: "string", default: "50051" },
        host: { type: "string", default: "" },
        db: { type: "string", default: "data/users.db" },
        workers: { type: "string", default: "1" },
        "shutdown-grace": { type: "string", default: "10" },
        auth: { type: "string" },
        "allow-origin": { type: "string", multiple: true },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0 to 65535, not "${values.port}"`);
    const workers = values.workers === "auto" ? availableParallelism() : Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new Error(`--workers must be 1 to 256 or auto, not "${values.workers}"`);
    const grace = Number(values["shutdown-grace"]);
    if (!(grace >= 0 && grace <= 3600)) throw new Error(`--shutdown-grace must be 0 to 3600 seconds, not "${values["shutdown-grace"]}"`);
    if (workers > 1 && values.db === ":memory:") throw new Error("--workers needs a store the workers share: a SQLite file or PostgreSQL, not :memory:");
    return { ...values, port, workers, graceMs: grace * 1000, tokens: values.auth === undefined ? undefined : parseTokens(readFileSync(values.auth, "utf8")) };
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const opts = options();

/** How to reach the server once it listens on `port`, and what to try. */
function banner(port: number): string {
  const target = `${opts.host || "127.0.0.1"}:${port}`.replace(/^([^[].*:.*):(\d+)$/, "[$1]:$2");
  const store = opts.db.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  const workers = opts.workers > 1 ? `, ${opts.workers} worker processes` : "";
  return `UserService listening on ${opts.host || "every interface"}, port ${port} (store: ${store}${workers}${opts.tokens ? `, bearer auth with ${opts.tokens.size} tokens` : ", auth off"})
Web console: http://${target}/${opts.tokens ? " (enter a token from the tokens file in the page)" : ""}
Try it:
  npx tsgrpc list ${target}
  npx tsgrpc call ${target} userservice.UserService/GetUser -d '{"id": 1}'
  npx tsgrpc call ${target} userservice.UserService/CreateUser -d '{"username": "charlie", "email": "charlie@example.com"}'${opts.tokens ? " -H 'authorization: Bearer <admin token>'" : ""}
  npx tsgrpc call ${target} userservice.UserService/WatchUsers -d '{}'     (Ctrl-C to stop)
Stop with Ctrl-C.`;
}

/** One whole server in this process: the only one, or one of the workers. */
async function serve(): Promise<void> {
  // A worker shuts down when its primary says so (once: the terminal's Ctrl-C may have reached it already); one still
  // starting when its primary drains has nothing to finish, and just goes.
  // Installed before anything is announced: a signal that follows the banner at once must drain, not kill, the server.
  // Until the server listens there is nothing to drain.
  let stop: (signal: string) => void = () => process.exit(0);
  process.on("message", (m) => m === SHUTDOWN && stop("shutdown"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  const app = await createApp({
    db: opts.db,
    worker: cluster.isWorker,
    tokens: opts.tokens,
    log: opts.quiet ? undefined : (entry) => console.log(JSON.stringify(entry)),
    consoleDir: CONSOLE_DIR,
    allowedOrigins: opts["allow-origin"],
  }).catch((e: Error) => {
    // A database that cannot be reached, or refuses the login: one line, not a stack trace.
    console.error(`Cannot start: ${e.message}`);
    process.exit(1);
  });
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const port = await app.listen(`${host}:${opts.port}`).catch(async (e: NodeJS.ErrnoException) => {
    // These are the user's to fix with an argument; a stack trace would hide the one sentence they need.
    const on = opts.host ? ` on ${opts.host}` : "";
    const why: Record<string, string> = {
      EADDRINUSE: `port ${opts.port}${on} is already in use: pick another with --port N`,
      EACCES: `port ${opts.port}${on} needs privileges this user lacks: pick another with --port N`,
      EADDRNOTAVAIL: `${opts.host} is not an address of this machine: pick another with --host H`,
    };
    if (!e.code || !why[e.code]) throw e;
    console.error(`Cannot listen: ${why[e.code]}.`);
    await app.shutdown(0);
    process.exit(1);
  });
  if (cluster.isWorker) process.send?.({ type: LISTENING, port });
  else console.log(banner(port));

  let stopping = false;
  stop = (signal: string) => {
    if (stopping) return void (signal === "shutdown" || process.exit(1)); // a second signal: stop now
    stopping = true;
    console.log(`${signal}: shutting down (NOT_SERVING, ending watches and chats with UNAVAILABLE, finishing the calls in flight)`);
    app.shutdown(opts.graceMs).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
  };
}

if (opts.workers > 1 && cluster.isPrimary) {
  // Several cores: this process only forks the workers, relays between them and stops them (cluster-primary.ts).
  // A SQLite file is created and migrated here, once, before the workers open it: workers racing to switch a new
  // file to WAL could fail to start ("database is locked", which the busy timeout does not cover).
  if (!/^postgres(ql)?:\/\//.test(opts.db)) await (await openStore(opts.db)).close();
  runPrimary(opts.workers, opts.graceMs, (port) => console.log(banner(port)));
} else {
  await serve();
}
