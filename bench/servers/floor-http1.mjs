// The floor under any HTTP/1.1 server in Node on this machine: a net socket that finds the end of each request head,
// looks up the user named by the path's last segment and writes a fixed-shape JSON response in one write. It
// validates nothing and serves nothing else: not a server, a measure of what reading a request and writing an answer
// cost (the kernel's share included) before any HTTP or RPC work. Requests without a body only.
import { createServer } from "node:net";
import { users } from "../lib/data.mjs";

export async function start(port) {
  const sockets = new Set();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let input;
    socket.on("data", (chunk) => {
      input = input ? Buffer.concat([input, chunk]) : chunk;
      for (let end = input.indexOf("\r\n\r\n"); end >= 0; end = input.indexOf("\r\n\r\n")) {
        const line = input.toString("latin1", 0, input.indexOf("\r\n"));
        input = input.subarray(end + 4);
        const path = line.split(" ")[1] ?? "";
        const user = users[Number(path.slice(path.lastIndexOf("/") + 1)) - 1];
        const body = JSON.stringify({ user });
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }
      if (input.length === 0) input = undefined;
    });
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }) };
}
