import cluster, { type Worker } from "node:cluster";
import { isChatLine, isUserCreated } from "./worker-relay.js";

/** What a worker tells the primary once it listens. */
export const LISTENING = "tsgrpc:listening";
/** What the primary tells each worker at shutdown (a signal would reach a worker twice on Ctrl-C: from the terminal too). */
export const SHUTDOWN = "tsgrpc:shutdown";

/**
 * The primary of a server that uses several cores: it forks `count` workers, each a whole server on the same port
 * (node:cluster hands each new connection to the next worker), forwards every worker's user-created message to the
 * others and every chat line to all workers (the sender too: one order for the whole room), replaces a worker that
 * dies, and on SIGINT/SIGTERM asks every worker to shut down gracefully (each goes NOT_SERVING and finishes its calls)
 * and exits once they have, or, `graceMs` and 5 s later, kills those still running and exits 1. `onListening` hears
 * the port once.
 */
export function runPrimary(count: number, graceMs: number, onListening: (port: number) => void): void {
  let stopping = false;
  let announced = false;
  const fork = () => cluster.fork();
  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
  cluster.on("message", (from: Worker, message: unknown) => {
    if (isUserCreated(message)) {
      for (const worker of live()) if (worker !== from) worker.send(message);
    } else if (isChatLine(message)) {
      for (const worker of live()) worker.send(message);
    } else if ((message as { type?: string })?.type === LISTENING) {
      // A worker that was still starting when the others were told to shut down had no handler for it yet: it hears
      // now, once it listens (its handler is installed before it starts).
      if (stopping) from.send(SHUTDOWN);
      else if (!announced) {
        announced = true;
        onListening((message as { port: number }).port);
      }
    }
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      // The exiting worker may still be listed while its exit is reported: count the live ones.
      if (Object.values(cluster.workers ?? {}).every((w) => !w || w === worker || w.isDead())) process.exit(0);
      return;
    }
    console.error(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    fork();
  });
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second signal: stop now
    stopping = true;
    console.log(`${signal}: shutting down ${count} workers (NOT_SERVING, finishing the calls in flight)`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.send(SHUTDOWN);
    // A worker that does not finish (one that never heard, say) must not keep the server up: a bound on the wait.
    setTimeout(() => {
      const left = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
      console.error(`${left.length} worker(s) still running ${graceMs + 5000} ms after ${signal}: killed`);
      for (const worker of left) worker.process.kill("SIGKILL");
      process.exit(1);
    }, graceMs + 5000).unref();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  for (let i = 0; i < count; i++) fork();
}
