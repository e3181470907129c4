import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { createServer, type Server } from "../src/index.js";
import { UserService, userServiceImpl } from "./user-service-fixture.js";

// h2spec (github.com/summerwind/h2spec), the HTTP/2 conformance suite, in strict mode against the gRPC server on
// tsgrpc's engine: plaintext (h2c prior knowledge, through the listener that also serves HTTP/1.1) and TLS with ALPN.
// h2spec is not packaged by Debian or npm, so this runs only where it is installed: put it on PATH or name it in
// H2SPEC (`go install github.com/summerwind/h2spec/cmd/h2spec@latest`, or a release binary).

const run = promisify(execFile);
const h2spec = process.env.H2SPEC ?? "h2spec";
const installed = await run(h2spec, ["--version"]).then(() => true, () => false);
const skip = installed ? false : "h2spec is not installed (set H2SPEC or put h2spec on PATH)";

const started: Server[] = [];
after(() => Promise.all(started.map((s) => s.shutdown(100))));

/**
 * h2spec's requests are GET or POST "/", and several cases need the stream to stay open while the server answers
 * (frames sent on a half-closed stream, concurrency limits): a server with a page at "/", as the example serves its
 * web console, answering once the request has ended.
 */
function page(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end("tsgrpc\n"));
}

async function serve(tls?: { key: Buffer; cert: Buffer }): Promise<number> {
  const server = createServer({ tls, httpHandler: page as never }).add(UserService, userServiceImpl());
  started.push(server);
  return server.listen("127.0.0.1:0");
}

/** Runs every case (-S: the strict ones too) and returns h2spec's summary line and its list of failures. */
async function conformance(port: number, tls: boolean): Promise<{ summary: string; failures: string }> {
  const args = ["-S", "-h", "127.0.0.1", "-p", String(port), "-o", "5", ...(tls ? ["-t", "-k"] : [])];
  const { stdout } = await run(h2spec, args, { maxBuffer: 16 << 20 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? String(e) }));
  const summary = /(\d+) tests, (\d+) passed, (\d+) skipped, (\d+) failed/.exec(stdout)?.[0] ?? `no summary in: ${stdout.slice(-2000)}`;
  const failures = stdout.includes("Failures:") ? stdout.slice(stdout.indexOf("Failures:")) : "";
  return { summary, failures };
}

test("h2spec: every case passes over h2c with prior knowledge", { skip }, async (t) => {
  const { summary, failures } = await conformance(await serve(), false);
  t.diagnostic(summary);
  assert.match(summary, / 0 skipped, 0 failed$/, failures);
});

test("h2spec: every case passes over TLS (ALPN h2)", { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-h2spec-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=localhost"], { cwd: dir, stdio: "pipe" });
  const port = await serve({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) });
  const { summary, failures } = await conformance(port, true);
  t.diagnostic(summary);
  assert.match(summary, / 0 skipped, 0 failed$/, failures);
});
