// The UserService on worker threads instead of node:cluster (a measurement prototype, not a product mode). Node 20's
// net.Server has no reusePort, so the threads cannot each listen on the port: the main thread accepts, and each
// connection goes to the next thread (round-robin), where createApp's server (the example's, unchanged) takes it as a
// connection of its own listener. Two ways to hand a connection over:
//   --handoff bytes: the main thread keeps the socket and relays its bytes both ways over a MessagePort per connection;
//                    the thread's engine runs over a Duplex (HTTP/2 needs only a byte stream).
//   --handoff fd:    the main thread accepts paused and passes the descriptor's number; the thread opens its own
//                    net.Socket on it (threads share the process's descriptors). A hack: the main thread's handle must
//                    be leaked, never closed (it would close a reused descriptor number later) -- an upper bound only.
//   node bench/scale/threads-server.mjs --db PATH|postgres://... [--threads 2] [--handoff bytes|fd] [--port 0]
import { createServer, Socket } from "node:net";
import { Duplex } from "node:stream";
import { MessageChannel, Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { parseArgs } from "node:util";

if (isMainThread) {
  const { values } = parseArgs({ options: { db: { type: "string" }, threads: { type: "string", default: "2" }, handoff: { type: "string", default: "bytes" }, port: { type: "string", default: "0" }, host: { type: "string", default: "127.0.0.1" }, quiet: { type: "boolean" } } });
  // One after another: the first opens (and migrates) the store before the others open it.
  const threads = [];
  for (let i = 0; i < Number(values.threads); i++) {
    threads.push(await new Promise((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { db: values.db } });
      w.once("message", () => resolve(w));
      w.once("error", reject);
    }));
  }
  const leaked = []; // --handoff fd: the main thread's handles, kept open for good (see above)
  let next = 0;
  const server = createServer({ noDelay: true, pauseOnConnect: values.handoff === "fd" }, (socket) => {
    const thread = threads[next++ % threads.length];
    if (values.handoff === "fd") {
      leaked.push(socket);
      thread.postMessage({ fd: socket._handle.fd });
      return;
    }
    const { port1, port2 } = new MessageChannel();
    thread.postMessage({ port: port2 }, [port2]);
    socket.on("data", (chunk) => port1.postMessage(chunk));
    socket.on("end", () => port1.postMessage(null));
    socket.on("close", () => port1.close());
    socket.on("error", () => {});
    port1.on("message", (m) => (m === null ? socket.end() : socket.write(m)));
    port1.on("close", () => socket.destroy());
  });
  server.listen(Number(values.port), values.host, () => console.log(`UserService on ${threads.length} worker threads (${values.handoff}) listening on ${values.host}, port ${server.address().port}`));
  const stop = () => Promise.all(threads.map((t) => t.terminate())).then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} else {
  const { createApp } = await import("../../examples/user-service/dist/src/app.js");
  const app = await createApp({ db: workerData.db });
  const listener = app.server.listener; // the server's own connection sniffer (private in TypeScript)
  parentPort.on("message", (m) => {
    if (m.fd !== undefined) {
      listener.emit("connection", new Socket({ fd: m.fd, readable: true, writable: true }));
      return;
    }
    listener.emit("connection", portDuplex(m.port));
  });
  parentPort.postMessage("ready");
}

/** A connection's bytes over a MessagePort, as the duplex stream the HTTP/2 engine reads and writes. */
function portDuplex(port) {
  const duplex = new Duplex({
    read() {},
    write(chunk, _encoding, done) {
      port.postMessage(chunk);
      done();
    },
    writev(chunks, done) {
      port.postMessage(Buffer.concat(chunks.map((c) => c.chunk)));
      done();
    },
    final(done) {
      port.postMessage(null);
      done();
    },
    destroy(err, done) {
      port.close();
      done(err);
    },
  });
  duplex.setNoDelay = () => duplex; // the engine asks for it; the main thread's socket has it already
  port.on("message", (m) => (m === null ? duplex.push(null) : duplex.push(Buffer.from(m.buffer, m.byteOffset, m.byteLength))));
  port.on("close", () => duplex.destroy());
  return duplex;
}
