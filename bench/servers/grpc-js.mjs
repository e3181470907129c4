// @grpc/grpc-js serving the benchmark UserService, with its types loaded at run time by @grpc/proto-loader (the way
// most grpc-js services are written).
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { PROTO_FILE } from "../lib/schema.mjs";
import { implementation } from "./grpc-js-impl.mjs";

export async function start(port) {
  const def = protoLoader.loadSync(PROTO_FILE, { keepCase: false, longs: Number, enums: Number, defaults: true });
  const service = grpc.loadPackageDefinition(def).userservice.UserService.service;
  return listen(service, port);
}

/** Serves `service` (a grpc-js ServiceDefinition) on 127.0.0.1:port. */
export async function listen(service, port) {
  const server = new grpc.Server();
  server.addService(service, implementation);
  await new Promise((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  return { close: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}
