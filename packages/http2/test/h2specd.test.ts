import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

// h2specd, h2spec's client mode: it plays a misbehaving HTTP/2 server, one port per case, and runs h2spec-client.js
// (the engine's ClientConnection) against each, in strict mode, over h2c and TLS. Runs only where h2specd is
// installed (H2SPECD or PATH; it is built from github.com/summerwind/h2spec's cmd/h2specd, which Debian and npm do
// not package). node:http2's client passes 55 of the 57 cases.

const run = promisify(execFile);
const h2specd = process.env.H2SPECD ?? "h2specd";
const installed = await run(h2specd, ["--version"]).then(() => true, () => false);
const skip = installed ? false : "h2specd is not installed (set H2SPECD or put h2specd on PATH)";
const client = fileURLToPath(new URL("./h2spec-client.js", import.meta.url));

/** A port that was free a moment ago, and the first of a range above it for h2specd's cases. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function conformance(tls: boolean): Promise<{ summary: string; failures: string }> {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-h2specd-"));
  const certs: string[] = [];
  if (tls) {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.crt", "-days", "1", "-subj", "/CN=localhost"], { cwd: dir, stdio: "pipe" });
    certs.push("-t", "-c", join(dir, "server.crt"), "-k", join(dir, "server.key"));
  }
  const port = await freePort();
  const args = ["-S", "-p", String(port), "-f", String(port + 1), ...certs, "--exec", `${process.execPath} ${client}`];
  const { stdout } = await run(h2specd, args, { cwd: dir, maxBuffer: 16 << 20 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? String(e) }));
  const summary = /(\d+) tests, (\d+) passed, (\d+) skipped, (\d+) failed/.exec(stdout)?.[0] ?? `no summary in: ${stdout.slice(-2000)}`;
  const failures = stdout.includes("Failures:") ? stdout.slice(stdout.indexOf("Failures:")) : "";
  return { summary, failures };
}

test("h2specd: the engine's client passes every case over h2c", { skip, timeout: 300_000 }, async (t) => {
  const { summary, failures } = await conformance(false);
  t.diagnostic(summary);
  assert.match(summary, / 0 skipped, 0 failed$/, failures);
});

test("h2specd: the engine's client passes every case over TLS", { skip, timeout: 300_000 }, async (t) => {
  const { summary, failures } = await conformance(true);
  t.diagnostic(summary);
  assert.match(summary, / 0 skipped, 0 failed$/, failures);
});
