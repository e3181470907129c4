// A minimal HTTP/2 client on the engine for h2specd (h2spec's client conformance mode), which runs it once per case
// with the case's URL: `node h2spec-client.js http://127.0.0.1:30001/`. It sends a GET, reads the response to its end
// and exits; what h2specd checks is how the connection answers the server's misbehaviour.
import { connect as connectTcp } from "node:net";
import { connect as connectTls } from "node:tls";
import { ClientConnection } from "../src/index.js";

const url = new URL(process.argv[2] ?? "");
const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
const socket = url.protocol === "https:" ? connectTls({ host: url.hostname, port, ALPNProtocols: ["h2"], rejectUnauthorized: false }) : connectTcp(port, url.hostname);
socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => {
  const connection = new ClientConnection(socket);
  const stream = connection.request({ ":method": "GET", ":scheme": url.protocol.slice(0, -1), ":path": url.pathname, ":authority": url.host }, true);
  // Like a real client, the connection stays open a while after the response (h2specd may send a PING after it).
  stream.read(() => {}, () => {}, () => setTimeout(() => process.exit(0), 500));
});
socket.on("error", () => process.exit(0));
setTimeout(() => process.exit(0), 2500).unref();
