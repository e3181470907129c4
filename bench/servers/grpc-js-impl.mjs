// The benchmark UserService in grpc-js's callback style, shared by the proto-loader and static-code servers.
import * as grpc from "@grpc/grpc-js";
import { STREAM_MESSAGES, users } from "../lib/data.mjs";

export const implementation = {
  GetUser(call, callback) {
    const user = users[call.request.id - 1];
    if (!user) callback({ code: grpc.status.NOT_FOUND, details: `User ${call.request.id} not found` });
    else callback(null, { user });
  },
  ListUsers(call, callback) {
    callback(null, { users: users.slice(0, call.request.pageSize), nextPageToken: "" });
  },
  WatchUsers(call) {
    let i = 0;
    const pump = () => {
      while (i < STREAM_MESSAGES) {
        if (call.cancelled) return;
        const ok = call.write(users[i++ % users.length]);
        if (!ok) return void call.once("drain", pump);
      }
      call.end();
    };
    pump();
  },
  BulkCreateUsers(call, callback) {
    let n = 0;
    call.on("data", () => n++);
    call.on("end", () => callback(null, { createdCount: n }));
  },
  UserChat(call) {
    call.on("data", (m) => call.write(m));
    call.on("end", () => call.end());
  },
  CreateUser(_call, callback) {
    callback({ code: grpc.status.UNIMPLEMENTED, details: "not benchmarked" });
  },
};
