import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before } from "node:test";
import pg from "pg";
import { stopStarted } from "./server-process.js";

/** A PostgreSQL server for a test run: a throwaway cluster on loopback, or the one TSGRPC_TEST_POSTGRES_URL names. */
export interface TestPostgres {
  /** postgres://user@127.0.0.1:port/postgres */
  readonly url: string;
  /**
   * Stops the server (fast shutdown: connections are dropped), and `start()` brings it back on the same port. Both
   * wait for pg_ctl without blocking the event loop: calls the test has in flight go on meanwhile.
   */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): void;
}

/** Debian's server binaries, the newest version installed. */
function binDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(root, versions[0], "bin");
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a cluster of its own in a temporary directory (trust authentication, loopback only, fsync off: test data),
 * as the `postgres` user when run as root (PostgreSQL refuses to run as root). Returns why not when it cannot.
 */
export async function startPostgres(): Promise<TestPostgres | string> {
  const given = process.env["TSGRPC_TEST_POSTGRES_URL"];
  if (given) return { url: given, stop: async () => {}, start: async () => {}, destroy: () => {} };
  const bin = binDir();
  if (!bin) return "PostgreSQL's server is not installed (Debian: apt-get install postgresql), and TSGRPC_TEST_POSTGRES_URL is not set";
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const [uid, gid] = ["-u", "-g"].map((f) => Number(execFileSync("id", [f, "postgres"]).toString().trim()));
    chownSync(dir, uid!, gid!);
  }
  const command = (tool: string, args: string[]): [string, string[]] => (asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]] : [join(bin, tool), args]);
  const run = (tool: string, args: string[]) => execFileSync(...command(tool, args), { stdio: "pipe" });
  const runAsync = async (tool: string, args: string[]) => void (await promisify(execFile)(...command(tool, args)));
  const data = join(dir, "data");
  const port = await freePort();
  run("initdb", ["-D", data, "-A", "trust", "-U", "tsgrpc", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
  const startArgs = ["-D", data, "-l", join(dir, "log"), "-o", options, "-w", "-t", "60", "start"];
  const stopArgs = ["-D", data, "-m", "fast", "-w", "stop"];
  await runAsync("pg_ctl", startArgs);
  return {
    url: `postgres://tsgrpc@127.0.0.1:${port}/postgres`,
    stop: () => runAsync("pg_ctl", stopArgs),
    start: () => runAsync("pg_ctl", startArgs),
    destroy: () => {
      try {
        run("pg_ctl", stopArgs);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a database of this name on the server (a test's own, so that tests do not see each other's users); returns its URL. */
export async function createDatabase(server: TestPostgres, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/[^/]*$/, `/${name}`);
}

/**
 * The PostgreSQL of one test file: started before its tests (then `setUp` runs with it: databases, servers), and after
 * them the server processes the tests started are stopped and the cluster destroyed, also when an assertion failed.
 * `skip` is why the file's tests cannot run (`unless` may give a reason of its own first), or false.
 */
export function usePostgres(options: { unless?: () => string | false; setUp?: (postgres: TestPostgres) => Promise<void> } = {}): { readonly skip: string | false; readonly postgres: TestPostgres } {
  let postgres: TestPostgres | undefined;
  let skip: string | false = false;
  before(async () => {
    skip = options.unless?.() ?? false;
    if (skip) return;
    const started = await startPostgres();
    if (typeof started === "string") return void (skip = started);
    postgres = started;
    await options.setUp?.(postgres);
  });
  after(async () => {
    await stopStarted();
    postgres?.destroy();
  });
  return {
    get skip() {
      return skip;
    },
    get postgres() {
      if (!postgres) throw new Error("no PostgreSQL: the test should have skipped");
      return postgres;
    },
  };
}
