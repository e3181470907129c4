// The bench's own copy of the UserService with GetUser marked `option idempotency_level = NO_SIDE_EFFECTS`, so that
// Connect may call it with GET (bench/protocols.mjs). The schema is the example's (examples/user-service, not edited):
// its text with that one option added is compiled here, and the service definition is what tsgrpc's generator emits
// for it: the generated code's methods (same message types and codecs as every other bench server), GetUser with
// `idempotent: true`, and the compiled file descriptor, which now carries the option (what the server reads).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Compiler } from "@tsgrpc/compiler";
import { PROTO_FILE, root, tsgrpc as pb } from "./schema.mjs";

const PLAIN = "rpc GetUser(GetUserRequest) returns (GetUserResponse);";
const MARKED = "rpc GetUser(GetUserRequest) returns (GetUserResponse) { option idempotency_level = NO_SIDE_EFFECTS; }";

/** The example's schema with GetUser marked (throws if the example's GetUser line changed). */
export function markedSchemaText() {
  const text = readFileSync(PROTO_FILE, "utf8");
  if (!text.includes(PLAIN)) throw new Error(`${PROTO_FILE} no longer declares "${PLAIN}": update lib/protocols-schema.mjs`);
  return text.replace(PLAIN, MARKED);
}

/** The marked schema compiled (written under bench/.gen, which git ignores, as the compiler reads files). */
function markedFileDescriptor() {
  const name = "user_service.proto";
  const dir = join(root, "bench/.gen/protocols");
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `${name}.${process.pid}`);
  writeFileSync(tmp, markedSchemaText());
  renameSync(tmp, join(dir, name));
  const compiler = new Compiler({ includePaths: [dir] });
  return compiler.compile([name]).find((f) => f.name === name);
}

const proto = markedFileDescriptor();
if (proto.service[0].method.find((m) => m.name === "GetUser")?.options?.idempotencyLevel !== 1) throw new Error("GetUser is not marked NO_SIDE_EFFECTS");

/** pb.UserService as generated from the marked schema. */
export const UserServiceMarked = {
  ...pb.UserService,
  methods: { ...pb.UserService.methods, getUser: { ...pb.UserService.methods.getUser, idempotent: true } },
  file: { ...pb.UserService.file, proto },
};
