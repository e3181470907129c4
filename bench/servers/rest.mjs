// The REST reference: node:http (HTTP/1.1) answering the same users as JSON.
//   GET /users/{id}            -> {"user": {...}}
//   GET /users?page_size=N     -> {"users": [...], "nextPageToken": ""}
import { createServer } from "node:http";
import { users } from "../lib/data.mjs";

export async function start(port) {
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    let body;
    if (url.startsWith("/users/")) {
      const user = users[Number(url.slice(7)) - 1];
      if (!user) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
        return;
      }
      body = JSON.stringify({ user });
    } else if (url.startsWith("/users?page_size=")) {
      body = JSON.stringify({ users: users.slice(0, Number(url.slice(17))), nextPageToken: "" });
    } else {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}
