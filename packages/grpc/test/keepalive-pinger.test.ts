import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { ChannelKeepalive, KeepalivePinger } from "../src/client/keepalive.js";

// When a connection PINGs (gRFC A8), on node's mock clock: only while calls are in flight unless permitted without.

function pinger(options: ConstructorParameters<typeof ChannelKeepalive>[0]) {
  const pings: (() => void)[] = [];
  const dead: Error[] = [];
  const p = new KeepalivePinger(new ChannelKeepalive(options), (onAck) => pings.push(onAck), (e) => dead.push(e));
  return { p, pings, dead };
}

test("keepalive PINGs go out every keepaliveTimeMs while a call is in flight, and stop when none is", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const { p, pings, dead } = pinger({ keepaliveTimeMs: 100, keepaliveTimeoutMs: 50 });
    mock.timers.tick(1000);
    assert.equal(pings.length, 0, "no call, no PING");
    p.callStarted();
    mock.timers.tick(100);
    assert.equal(pings.length, 1);
    pings[0]!();
    mock.timers.tick(100);
    assert.equal(pings.length, 2, "the next one a keepalive time after the ACK");
    p.callEnded();
    pings[1]!();
    mock.timers.tick(1000);
    assert.equal(pings.length, 2, "the call ended: no more PINGs");
    assert.equal(dead.length, 0);
    p.stop();
  } finally {
    mock.timers.reset();
  }
});

test("keepalivePermitWithoutCalls: PINGs with no call; an unanswered one declares the connection dead, once", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const { pings, dead } = pinger({ keepaliveTimeMs: 100, keepaliveTimeoutMs: 50, keepalivePermitWithoutCalls: true });
    mock.timers.tick(100);
    assert.equal(pings.length, 1);
    mock.timers.tick(49);
    assert.equal(dead.length, 0);
    mock.timers.tick(1);
    assert.equal(dead.length, 1);
    assert.match(dead[0]!.message, /keepalive/);
    pings[0]!(); // the ACK, too late
    mock.timers.tick(1000);
    assert.deepEqual([pings.length, dead.length], [1, 1], "nothing more after the connection is dead");
  } finally {
    mock.timers.reset();
  }
});
