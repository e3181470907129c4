import { test } from "node:test";
import assert from "node:assert/strict";
import { fromAuthority, fromTarget } from "../src/server-address.js";

// server.address and server.port from a target, as the gRPC semantic conventions' examples have them (grpc.md, note
// [3] of the client span), the targets in the canonical form the channel gives; and from a server's :authority.

test("the semantic conventions' examples", () => {
  assert.deepEqual(fromTarget("dns:///grpc.io:50051"), { address: "grpc.io", port: 50051 });
  assert.deepEqual(fromTarget("dns://1.2.3.4/grpc.io:50051"), { address: "grpc.io", port: 50051 });
  assert.deepEqual(fromTarget("unix:///run/containerd/containerd.sock"), { address: "/run/containerd/containerd.sock" });
  assert.deepEqual(fromTarget("zk://zookeeper:2181/my-server"), { address: "zk://zookeeper:2181/my-server" });
  assert.deepEqual(fromTarget("ipv4:198.51.100.123:50051,198.51.100.124:50051"), { address: "ipv4:198.51.100.123:50051,198.51.100.124:50051" });
});

test("IPv6 literals, a name without a port, a relative socket path; :authority likewise", () => {
  assert.deepEqual(fromTarget("dns:///[::1]:50051"), { address: "::1", port: 50051 });
  assert.deepEqual(fromTarget("dns:///example.com"), { address: "example.com" });
  assert.deepEqual(fromTarget("unix:relative.sock"), { address: "relative.sock" });
  assert.deepEqual(fromAuthority("api.example.com:8443"), { address: "api.example.com", port: 8443 });
  assert.deepEqual(fromAuthority("[2001:db8::1]:443"), { address: "2001:db8::1", port: 443 });
  assert.deepEqual(fromAuthority("localhost"), { address: "localhost" });
});
