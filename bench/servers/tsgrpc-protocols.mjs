// tsgrpc serving every protocol on one port for bench/protocols.mjs: gRPC, gRPC-Web, Connect (GET included) and REST.
//   - GetUser is marked `option idempotency_level = NO_SIDE_EFFECTS` (Connect's GET needs it) in the bench's own copy
//     of the schema: lib/protocols-schema.mjs (the example's user_service.proto does not mark it).
//   - REST: the route `GET /v1/users/{id}` for GetUser, given as the server's `rest.rules`.
import { start as startTsgrpc } from "./tsgrpc.mjs";
import { UserServiceMarked } from "../lib/protocols-schema.mjs";

export const REST_RULES = [{ selector: "userservice.UserService.GetUser", get: "/v1/users/{id}" }];

export const start = (port) => startTsgrpc(port, "tsgrpc", {}, { rest: { rules: REST_RULES } }, UserServiceMarked);
