import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The host name interop clients override TLS verification to (as the official test certificates do). */
export const TEST_SERVER_NAME = "foo.test.google.fr";

/** A throwaway CA and a server certificate for TEST_SERVER_NAME and localhost, made with openssl; returns file paths. */
export function makeTestCerts(): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-interop-tls-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=interop test CA");
  writeFileSync(join(dir, "ext"), `subjectAltName=DNS:${TEST_SERVER_NAME},DNS:localhost\n`);
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${TEST_SERVER_NAME}`);
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "ext");
  return { ca: join(dir, "ca.pem"), cert: join(dir, "server.pem"), key: join(dir, "server.key") };
}
