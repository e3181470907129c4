// tsgrpc with WatchUsers' messages prepared once (prepareMessage) and replayed, as the bare server replays its frames:
// the like-for-like transport comparison for server streaming. Everything else as servers/tsgrpc.mjs.
import { prepareMessage } from "@tsgrpc/grpc";
import { tsgrpc as pb } from "../lib/schema.mjs";
import { STREAM_MESSAGES, users } from "../lib/data.mjs";
import { start as startTsgrpc } from "./tsgrpc.mjs";

const prepared = users.map((u) => prepareMessage(pb.User, u));

export function start(port) {
  return startTsgrpc(port, "tsgrpc", {
    *watchUsers() {
      for (let i = 0; i < STREAM_MESSAGES; i++) yield prepared[i % prepared.length];
    },
  });
}
