// A throwaway PostgreSQL cluster on loopback for the scale benchmarks (as examples/user-service/test/postgres-server.ts
// starts one for the tests: initdb + pg_ctl in a temp dir, as the postgres user when root), with pg_stat_statements
// loaded for looking by hand (the scripts read PostgreSQL's CPU from /proc instead: that includes parsing, planning
// and the protocol, which pg_stat_statements' execution time leaves out). Commit settings as the tests': fsync=off,
// synchronous_commit=off (the SQLite store's WAL + synchronous=NORMAL does not fsync each commit either).
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function binDir() {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => b - a) : [];
  if (!versions.length) throw new Error("PostgreSQL's server is not installed (Debian: apt-get install postgresql)");
  return join(root, versions[0], "bin");
}

/** utime + stime of a process (and with `reaped`, cutime + cstime: its children that have exited), in seconds. */
function procCpu(pid, reaped) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0)) / 100; // USER_HZ
}

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a cluster (`durable`: fsync and synchronous_commit on, as in production; else off); `cpu` pins the postmaster (and so every backend it forks) to that core list with taskset.
 * Returns { url, port, postmasterPid, cpuSeconds(), destroy() }.
 */
export async function startPostgres({ cpu, maxConnections = 200, durable = false } = {}) {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-scale-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString()), Number(execFileSync("id", ["-g", "postgres"]).toString()));
  const run = (tool, args) => {
    const argv = [...(cpu === undefined ? [] : ["taskset", "-c", String(cpu)]), ...(asRoot ? ["runuser", "-u", "postgres", "--"] : []), join(bin, tool), ...args];
    return execFileSync(argv[0], argv.slice(1), { stdio: "pipe" });
  };
  const data = join(dir, "data");
  const port = await freePort();
  run("initdb", ["-D", data, "-A", "trust", "-U", "tsgrpc", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const options = [
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    durable ? "-c fsync=on -c synchronous_commit=on" : "-c fsync=off -c synchronous_commit=off",
    `-c max_connections=${maxConnections} -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all`,
  ].join(" ");
  run("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-o", options, "-w", "-t", "60", "start"]);
  const postmasterPid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  return {
    url: `postgres://tsgrpc@127.0.0.1:${port}/postgres`,
    port,
    postmasterPid,
    /**
     * CPU seconds the whole cluster has used: the postmaster's own and that of its children that have exited (it reaps
     * them: cutime, cstime; the pool closes idle connections, so backends come and go), plus its live children's.
     */
    cpuSeconds() {
      let total = procCpu(postmasterPid, true);
      const children = readFileSync(`/proc/${postmasterPid}/task/${postmasterPid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
      for (const pid of children) {
        try {
          total += procCpu(pid, true);
        } catch {
          // exited meanwhile: counted in the postmaster's cutime from now on (a few ms may be missed once)
        }
      }
      return total;
    },
    destroy() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
