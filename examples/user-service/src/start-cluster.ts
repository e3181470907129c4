#!/usr/bin/env node
// N replicas of the UserService on one PostgreSQL, each a server process of its own (as `npm start` runs it) on
// consecutive ports; prints the target that reaches them all with round_robin:
//   npm run start:cluster -- --replicas N --db postgres://USER:PASSWORD@HOST:PORT/DB [--port FIRST] [--host IP] [npm start options]...
// SIGINT or SIGTERM stops them gracefully (each goes NOT_SERVING and finishes its calls) and it exits once they all
// have; a second signal stops them at once.
import { spawn, type ChildProcess } from "node:child_process";
import { isIP } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { SHUTDOWN } from "./cluster-primary.js";

const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));
const USAGE = "usage: npm run start:cluster -- --replicas N --db postgres://USER:PASSWORD@HOST:PORT/DB [--port FIRST (default 50051; 0: any free ports)] [--host IP] [other npm start options, for every replica]";

/** Its own options; everything else goes to every replica unchanged (--quiet, --auth, --workers, ...). */
function options() {
  const own: Record<"replicas" | "port" | "host" | "db", string> = { replicas: "3", port: "50051", host: "", db: "" };
  const rest: string[] = [];
  const argv = process.argv.slice(2);
  try {
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === "--help" || argv[i] === "-h") (console.log(USAGE), process.exit(0));
      const m = /^--(replicas|port|host|db)(?:=(.*))?$/.exec(argv[i]!);
      if (!m) rest.push(argv[i]!);
      else if ((own[m[1] as keyof typeof own] = m[2] ?? argv[++i] ?? "") === "") throw new Error(`--${m[1]} needs a value`);
    }
    const replicas = Number(own.replicas);
    const port = Number(own.port);
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 64) throw new Error(`--replicas must be 1 to 64, not "${own.replicas}"`);
    if (!Number.isInteger(port) || port < 0 || (port > 0 && port + replicas - 1 > 65535)) throw new Error(`--port must leave room for ${replicas} consecutive ports, not "${own.port}"`);
    if (!/^postgres(ql)?:\/\//.test(own.db)) throw new Error("--db must be a PostgreSQL URL: the replicas share its users and live events");
    if (own.host !== "" && isIP(own.host) === 0) throw new Error(`--host must be an IP address (clients get a list of addresses), not "${own.host}"`);
    return { replicas, port, host: own.host, db: own.db, rest };
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const opts = options();
/** Where clients connect: the host, or loopback when the replicas listen on every interface. */
const connectHost = opts.host === "" || opts.host === "0.0.0.0" ? "127.0.0.1" : opts.host === "::" ? "::1" : opts.host;
const target = (ports: number[]) => (isIP(connectHost) === 6 ? `ipv6:${ports.map((p) => `[${connectHost}]:${p}`).join(",")}` : `ipv4:${ports.map((p) => `${connectHost}:${p}`).join(",")}`);

const replicas: { child: ChildProcess; port?: number }[] = [];
let stopping = false;
let failed = false;
let closed = 0;

/** Stops the replicas: the first time gracefully, by main.js's shutdown message; after that at once, by SIGTERM. */
function stop(why: string): void {
  const live = replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
  if (stopping) {
    for (const r of live) r.child.kill("SIGTERM"); // main.js stops at once on a second request
    return;
  }
  stopping = true;
  console.log(`${why}: stopping ${live.length} replicas (NOT_SERVING, finishing the calls in flight)`);
  // A message, not the signal: Ctrl-C in a terminal also signals every replica itself, and main.js counts a second
  // signal as "stop now"; it takes this message once, whichever came first.
  for (const r of live) if (r.child.connected) r.child.send(SHUTDOWN);
}

/** Every replica listens: say where. */
function ready(): void {
  const ports = replicas.map((r) => r.port!);
  console.log(`${opts.replicas} replicas (pids ${replicas.map((r) => r.child.pid).join(", ")}) on ports ${ports.join(", ")}. Clients use the target
  ${target(ports)}
with round_robin: createChannel(target, { defaultServiceConfig: { loadBalancingConfig: [{ round_robin: {} }] } })
Stop with Ctrl-C.`);
}

for (let i = 0; i < opts.replicas; i++) {
  const args = ["--port", String(opts.port === 0 ? 0 : opts.port + i), ...(opts.host ? ["--host", opts.host] : []), "--db", opts.db, ...opts.rest];
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
  const replica: (typeof replicas)[number] = { child };
  replicas.push(replica);
  const name = `[replica ${i + 1}]`;
  createInterface({ input: child.stderr! }).on("line", (line) => console.error(`${name} ${line}`));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    console.log(`${name} ${line}`);
    const m = replica.port === undefined && /^UserService listening on .*, port (\d+)/.exec(line);
    if (!m) return;
    replica.port = Number(m[1]);
    // After the rest of its banner (the same write, so the same chunk of lines).
    if (replicas.length === opts.replicas && replicas.every((r) => r.port !== undefined)) setImmediate(ready);
  });
  // "close": its output is all read by then.
  child.on("close", (code, signal) => {
    closed++;
    if (code !== 0) failed = true;
    if (!stopping) {
      console.error(`${name} exited (${signal ?? `status ${code}`})`);
      // One that cannot start (a port taken, the database unreachable): the others stop too.
      if (replica.port === undefined) stop("a replica could not start");
    }
    if (closed === opts.replicas) process.exit(failed ? 1 : 0);
  });
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
