import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface PageServer {
  /** The page's port on 127.0.0.1 (any loopback name reaches it: pages of localhost are another origin). */
  port: number;
  close(): void;
}

/**
 * A page of another origin than the server's, on its own tiny HTTP server: `script` (JavaScript, its imports resolved
 * from this directory) bundled by esbuild for the browser, loaded by a blank page at `/`.
 */
export async function servePage(script: string): Promise<PageServer> {
  const bundle = await build({
    stdin: { contents: script, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "js" },
    bundle: true,
    format: "iife",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const js = bundle.outputFiles[0]!.text;
  const server: Server = createServer((req, res) => {
    if (req.url === "/app.js") res.writeHead(200, { "content-type": "text/javascript" }).end(js);
    else res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><title>foreign</title><script src="/app.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}
