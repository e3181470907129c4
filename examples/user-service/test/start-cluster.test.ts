import { test, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createChannel, createClient, type Channel } from "@tsgrpc/grpc";
import { UserService, type CreateUserRequest } from "../src/gen/user_service_pb.js";
import { until } from "./helpers.js";
import { createDatabase, usePostgres } from "./postgres-server.js";
import { exited, spawnScript } from "./server-process.js";

// `npm run start:cluster -- --replicas N --db postgres://...`: N server processes, the ipv4: target that reaches them
// all, and on SIGTERM a drain (calls in flight finish) before it exits 0.
const CLUSTER = fileURLToPath(new URL("../src/start-cluster.js", import.meta.url));
let url = "";
/** The replicas' pids, as the script printed them: killed in `after` should the script not have stopped them. */
let pids: number[] = [];
const postgresCluster = usePostgres({
  setUp: async (postgres) => {
    url = await createDatabase(postgres, `cluster_${process.pid}`);
  },
});
after(() => {
  for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
});

const alive = (pid: number) => {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
};
const user = (name: string) => ({ username: name, email: `${name}@example.com` }) as CreateUserRequest;

test("start:cluster: three replicas, the printed ipv4: target reaches them all; SIGTERM lets a call in flight finish, then every replica and the script exit 0", { timeout: 60_000 }, async (t) => {
  if (postgresCluster.skip) return t.skip(postgresCluster.skip);
  const cluster = spawnScript(CLUSTER, ["--replicas", "3", "--port", "0", "--host", "127.0.0.1", "--db", url, "--quiet"]);
  const channels: Channel[] = [];
  const clientOf = (target: string, options = {}) => createClient(UserService, (channels.push(createChannel(target, options)), channels.at(-1)!));
  try {
    const printed = /3 replicas \(pids ([\d, ]+)\) on ports [\d, ]+\. Clients use the target\n\s+(ipv4:\S+)\n/;
    await until(() => printed.test(cluster.output()) || cluster.child.exitCode !== null, "the target");
    const [, pidList, target] = printed.exec(cluster.output()) ?? assert.fail(cluster.output());
    pids = pidList!.split(", ").map(Number);
    const addresses = target!.slice("ipv4:".length).split(",");
    assert.equal(new Set(addresses).size, 3);

    // Users created through round_robin over the target are seen by each replica.
    const spread = clientOf(target!, { defaultServiceConfig: { loadBalancingConfig: [{ round_robin: {} }] } });
    const created = await Promise.all(Array.from({ length: 30 }, (_, i) => spread.createUser(user(`spread${i}`)).then((r) => r.user!.id)));
    for (const address of addresses) for (const id of [created[0]!, created[29]!]) assert.equal((await clientOf(address).getUser({ id })).user?.id, id);

    // A BulkCreateUsers stream to replica 1, open when the signal comes: it finishes before the replica exits.
    let release!: () => void;
    const signalled = new Promise<void>((r) => (release = r));
    const inFlight = clientOf(addresses[0]!).bulkCreateUsers((async function* () {
      yield user("draining0");
      await signalled;
      yield user("draining1");
    })());
    const other = clientOf(addresses[1]!);
    await until(async () => (await other.listUsers({ pageSize: 100 })).users.some((u) => u.username === "draining0"), "the stream's first user");
    cluster.child.kill("SIGTERM");
    await until(() => (cluster.output().match(/\[replica \d\] shutdown: shutting down/g) ?? []).length === 3, "every replica to begin its shutdown");
    release();
    assert.equal((await inFlight).createdCount, 2, "the call in flight finished");
    assert.equal(await exited(cluster.child), 0, cluster.output());
    assert.match(cluster.output(), /SIGTERM: stopping 3 replicas/);
    for (const pid of pids) assert.ok(!alive(pid), `replica ${pid} exited`);
  } finally {
    for (const c of channels) c.close();
  }
});
