// connect-node serving the Connect protocol (and gRPC) for bench/protocols.mjs: servers/connect.mjs with connect on.
import { start as startConnect } from "./connect.mjs";

export const start = (port) => startConnect(port, { connect: true });
