import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClient } from "../src/index.js";
import { UserService } from "./user-service-fixture.js";
import { FakeDns } from "./support/fake-dns.js";
import { ScriptedServer } from "./support/scripted-server.js";

// A name's service config in DNS (gRFC A2): a DNS server of the test's own on loopback publishes `users.test` (A
// record) and its `_grpc_config.users.test` TXT record; a scripted server records the grpc-timeout each call carries,
// which tells which config the channel used.
const fakeDns = new FakeDns();
const server = new ScriptedServer(() => ({}));
let target = "";
before(async () => {
  const dnsPort = await fakeDns.listen();
  const port = await server.listen();
  target = `dns://127.0.0.1:${dnsPort}/users.test:${port}`;
  fakeDns.records.set("users.test", { a: ["127.0.0.1"] });
});
after(async () => {
  fakeDns.close();
  await server.close();
});

const timeout = (t: string) => ({ methodConfig: [{ name: [{}], timeout: t }] });
const publish = (...chunks: string[]) => fakeDns.records.set("_grpc_config.users.test", { txt: [["v=spf1 -all"], chunks] });

async function timeoutOfACall(options: object = { dnsServiceConfig: true }): Promise<{ timeoutMs: number | undefined; error: Error | undefined }> {
  const channel = createChannel(target, options);
  try {
    await createClient(UserService, channel).getUser({ id: 1 });
    return { timeoutMs: server.seen.at(-1)!.timeoutMs, error: channel.serviceConfigError };
  } finally {
    channel.close();
  }
}

test("the first choice this client meets is used: another language's and a 0% choice are skipped; TXT strings are joined", async () => {
  const choices = [
    { clientLanguage: ["go", "java"], serviceConfig: timeout("1s") },
    { percentage: 0, serviceConfig: timeout("3s") },
    { clientLanguage: ["NODE"], percentage: 100, serviceConfig: timeout("5s") },
  ];
  const text = `grpc_config=${JSON.stringify(choices)}`;
  publish(text.slice(0, 100), text.slice(100)); // one record in two strings, as DNS splits long ones
  const { timeoutMs, error } = await timeoutOfACall();
  assert.equal(error, undefined);
  assert.ok(timeoutMs !== undefined && timeoutMs > 3000 && timeoutMs <= 5000, `the 5 s choice: ${timeoutMs}`);
});

test("without dnsServiceConfig no TXT lookup is made and the default config applies", async () => {
  publish(`grpc_config=${JSON.stringify([{ serviceConfig: timeout("5s") }])}`);
  fakeDns.queries.length = 0;
  const { timeoutMs } = await timeoutOfACall({});
  assert.equal(timeoutMs, undefined);
  assert.deepEqual(fakeDns.queries.filter((q) => q.startsWith("TXT")), []);
});

test("a malformed record, or a choice with an invalid config, is reported and the default kept; no record means the default", async () => {
  for (const [record, reason] of [
    ["grpc_config=[{", /not JSON/],
    [`grpc_config=${JSON.stringify([{ serviceConfig: timeout("5s"), clientLanguage: "node" }])}`, /clientLanguage that is not a list/],
    [`grpc_config=${JSON.stringify([{ serviceConfig: timeout("5s"), weight: 2 }])}`, /unknown field "weight"/],
    [`grpc_config=${JSON.stringify([{ serviceConfig: { methodConfig: [{ name: [{}], timeout: "-1s" }] } }])}`, /timeout must be zero or more/],
  ] as const) {
    publish(record);
    const { timeoutMs, error } = await timeoutOfACall({ dnsServiceConfig: true, defaultServiceConfig: timeout("20s") });
    assert.match(String(error), reason, record);
    assert.ok(timeoutMs! > 5000, `the default's 20 s: ${timeoutMs}`);
  }
  fakeDns.records.delete("_grpc_config.users.test");
  const { timeoutMs, error } = await timeoutOfACall({ dnsServiceConfig: true, defaultServiceConfig: timeout("20s") });
  assert.equal(error, undefined);
  assert.ok(timeoutMs! > 5000);
});
