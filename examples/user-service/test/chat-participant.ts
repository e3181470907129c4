import type { Client } from "@tsgrpc/grpc";
import type { ChatMessage, UserService } from "../src/gen/user_service_pb.js";

/** A chat participant driven by the test: send() pushes a message, next() reads the one after. */
export function participant(client: Client<typeof UserService>, options: { signal?: AbortSignal } = {}) {
  const outgoing: ChatMessage[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  async function* requests() {
    for (;;) {
      if (outgoing.length) yield outgoing.shift()!;
      else if (ended) return;
      else await new Promise<void>((r) => (wake = r));
    }
  }
  const responses = client.userChat(requests(), options)[Symbol.asyncIterator]();
  return {
    send(sender: string, text: string) {
      outgoing.push({ sender, text });
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async next(): Promise<string> {
      const r = await responses.next();
      return r.done ? "<end>" : `${r.value.sender}: ${r.value.text}`;
    },
  };
}
