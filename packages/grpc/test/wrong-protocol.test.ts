import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { createChannel, createClient, GrpcError, Status } from "../src/index.js";
import { UserService } from "./user-service-fixture.js";

// A plaintext channel to a port that speaks TLS: the server answers our HTTP/2 preface with a TLS alert (OpenSSL-based
// servers do) or closes without a byte (Node's and Go's TLS servers do). The call's UNAVAILABLE says which, and keeps
// an error with a code as its cause, so that a caller (the CLI) can say it in one sentence.
async function listen(onConnection: (socket: import("node:net").Socket) => void): Promise<{ server: TcpServer; port: number }> {
  const server = createTcpServer(onConnection);
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
  return { server, port };
}

async function callError(port: number): Promise<GrpcError> {
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    await createClient(UserService, channel).getUser({ id: 1 }, { timeout: 5_000 });
    assert.fail("the call should fail");
  } catch (e) {
    assert.ok(e instanceof GrpcError, String(e));
    return e;
  } finally {
    channel.close();
  }
}

test("a plaintext call to a server that answers with a TLS alert: UNAVAILABLE whose cause says the server speaks TLS", async () => {
  // A TLS 1.2 alert record: fatal (2), protocol_version (70).
  const { server, port } = await listen((socket) => socket.once("data", () => socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]))));
  try {
    const e = await callError(port);
    assert.equal(e.code, Status.UNAVAILABLE);
    assert.equal((e.cause as NodeJS.ErrnoException | undefined)?.code, "ERR_TSGRPC_SERVER_SPEAKS_TLS");
    assert.match(e.message, /answered with TLS on a plaintext \(h2c\) connection/);
  } finally {
    server.close();
  }
});

test("a plaintext call to a server that closes without a byte: UNAVAILABLE whose cause says nothing answered in HTTP/2", async () => {
  const { server, port } = await listen((socket) => socket.once("data", () => socket.destroy()));
  try {
    const e = await callError(port);
    assert.equal(e.code, Status.UNAVAILABLE);
    assert.equal((e.cause as NodeJS.ErrnoException | undefined)?.code, "ERR_TSGRPC_NO_HTTP2_ANSWER");
  } finally {
    server.close();
  }
});
