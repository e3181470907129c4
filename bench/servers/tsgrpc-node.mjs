// tsgrpc on node:http2 instead of its own HTTP/2 engine: what the engine changes, side by side.
import { start as startTsgrpc } from "./tsgrpc.mjs";

export const start = (port) => startTsgrpc(port, "node");
