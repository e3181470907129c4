import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
};

// The page loads only its own script and stylesheet and talks only to its own origin.
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

interface Asset {
  body: Buffer;
  type: string;
}

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/**
 * Serves the web console (the files `npm run build` puts in `dir`) for the server's `httpHandler`: `/` is the page.
 * The files are read once, at start, so a request can only ever get one of them; without them (the console was not
 * built) every request gets 404 saying so.
 */
export function webConsole(dir: string): (request: Request, response: Response) => void {
  const assets = new Map<string, Asset>();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type) assets.set(`/${name}`, { body: readFileSync(join(dir, name)), type });
    }
  }
  const page = assets.get("/index.html");
  if (page) assets.set("/", page);

  return (request, response) => {
    const path = (request.url ?? "/").split("?")[0]!;
    const asset = assets.get(path);
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      response.end(`${request.method} is not allowed here\n`);
      return;
    }
    if (!asset) {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      response.end(page ? `Not found: ${path}\n` : "The web console is not built: run `npm run build`\n");
      return;
    }
    response.writeHead(200, { "content-type": asset.type, "content-length": asset.body.length, "cache-control": "no-cache", ...SECURITY_HEADERS });
    if (request.method === "HEAD") response.end();
    else response.end(asset.body);
  };
}
