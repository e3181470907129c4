// One benchmark client per framework, all with the same shape:
//   getUser(id) -> Promise<user>, chat() -> { roundTrip(message) -> Promise<reply>, end() }, close()
import { connect, constants } from "node:http2";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { createClient as createConnectClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { createChannel, createClient } from "@tsgrpc/grpc";
import { buf, PROTO_FILE, tsgrpc as pb } from "../lib/schema.mjs";
import { frame } from "../servers/bare.mjs";

export const CLIENTS = ["bare", "tsgrpc", "grpc-js", "connect"];

/** Turns pushed values into an async iterable (the request side of a bidi call). */
function pushable() {
  const values = [];
  let wake;
  let done = false;
  return {
    push(v) { values.push(v); wake?.(); },
    end() { done = true; wake?.(); },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (values.length) yield values.shift();
        else if (done) return;
        else await new Promise((r) => (wake = r));
      }
    },
  };
}

/** Ping-pong over a bidi stream whose responses are an async iterator. */
function pingPong(send, end, responses) {
  const it = responses[Symbol.asyncIterator]();
  return {
    async roundTrip(message) {
      send(message);
      const { value, done } = await it.next();
      if (done) throw new Error("chat stream ended early");
      return value;
    },
    end,
  };
}

const clients = {
  bare(target) {
    const session = connect(`http://${target}`);
    const PATH = "/userservice.UserService/GetUser";
    const HEADERS = { [constants.HTTP2_HEADER_METHOD]: "POST", [constants.HTTP2_HEADER_PATH]: PATH, "content-type": "application/grpc", te: "trailers" };
    return {
      getUser(id) {
        return new Promise((resolve, reject) => {
          const stream = session.request(HEADERS);
          const chunks = [];
          let status;
          stream.on("data", (c) => chunks.push(c));
          stream.on("trailers", (t) => (status = t["grpc-status"]));
          stream.on("error", reject);
          stream.on("close", () => {
            if (status !== "0") return reject(new Error(`grpc-status ${status}`));
            const body = Buffer.concat(chunks);
            resolve(pb.GetUserResponse.decode(body.subarray(5)).user);
          });
          stream.end(frame(pb.GetUserRequest.encode({ id })));
        });
      },
      chat() {
        const stream = session.request({ ...HEADERS, [constants.HTTP2_HEADER_PATH]: "/userservice.UserService/UserChat" });
        const replies = [];
        let wake;
        let buffered = Buffer.alloc(0);
        stream.on("data", (c) => {
          buffered = Buffer.concat([buffered, c]);
          while (buffered.length >= 5 && buffered.length >= 5 + buffered.readUInt32BE(1)) {
            const len = buffered.readUInt32BE(1);
            replies.push(pb.ChatMessage.decode(buffered.subarray(5, 5 + len)));
            buffered = buffered.subarray(5 + len);
          }
          wake?.();
        });
        return {
          async roundTrip(message) {
            stream.write(frame(pb.ChatMessage.encode(message)));
            while (!replies.length) await new Promise((r) => (wake = r));
            return replies.shift();
          },
          end: () => stream.end(),
        };
      },
      close: () => session.close(),
    };
  },

  tsgrpc(target) {
    const channel = createChannel(target);
    const client = createClient(pb.UserService, channel);
    return {
      getUser: (id) => client.getUser({ id }).then((r) => r.user),
      chat() {
        const requests = pushable();
        return pingPong((m) => requests.push(m), () => requests.end(), client.userChat(requests));
      },
      close: () => channel.close(),
    };
  },

  "grpc-js"(target) {
    const def = protoLoader.loadSync(PROTO_FILE, { keepCase: false, longs: Number, enums: Number, defaults: true });
    const Client = grpc.loadPackageDefinition(def).userservice.UserService;
    const client = new Client(target, grpc.credentials.createInsecure());
    return {
      getUser: (id) => new Promise((resolve, reject) => client.GetUser({ id }, (e, r) => (e ? reject(e) : resolve(r.user)))),
      chat() {
        const call = client.UserChat();
        return pingPong((m) => call.write(m), () => call.end(), call);
      },
      close: () => client.close(),
    };
  },

  connect(target) {
    const transport = createGrpcTransport({ baseUrl: `http://${target}` });
    const client = createConnectClient(buf.getService("userservice.UserService"), transport);
    return {
      getUser: (id) => client.getUser({ id }).then((r) => r.user),
      chat() {
        const requests = pushable();
        return pingPong((m) => requests.push(m), () => requests.end(), client.userChat(requests));
      },
      close() {},
    };
  },
};

export function makeClient(name, target) {
  const make = clients[name];
  if (!make) throw new Error(`unknown client ${name}; one of ${CLIENTS.join(", ")}`);
  return make(target);
}
