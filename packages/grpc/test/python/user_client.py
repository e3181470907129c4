"""A grpcio client for the UserService, in the style of the gRPC tutorial's client: it calls every method of a
server at the address given as argv[1] and prints one JSON line per result (errors as {"code", "details"})."""
import json
import sys

import grpc

import user_service_pb2 as pb2
import user_service_pb2_grpc as pb2_grpc


def report(name, fn):
    try:
        value = fn()
        print(json.dumps({"call": name, "ok": value}))
    except grpc.RpcError as e:
        print(json.dumps({"call": name, "code": e.code().name, "details": e.details(),
                          "trailers": {k: v for k, v in (e.trailing_metadata() or ()) if not k.endswith("-bin")}}))


def main():
    with grpc.insecure_channel(sys.argv[1]) as channel:
        stub = pb2_grpc.UserServiceStub(channel)
        report("GetUser", lambda: stub.GetUser(pb2.GetUserRequest(id=1), timeout=5).user.username)
        report("GetUserMissing", lambda: stub.GetUser(pb2.GetUserRequest(id=42), timeout=5).user.username)
        report("GetUserInvalid", lambda: stub.GetUser(pb2.GetUserRequest(id=-1), timeout=5).user.username)
        report("CreateUser", lambda: stub.CreateUser(pb2.CreateUserRequest(username="bob", email="bob@example.com")).user.id)
        report("ListUsers", lambda: [u.username for u in stub.ListUsers(pb2.ListUsersRequest(page_size=10)).users])
        report("WatchUsers", lambda: [u.id for u in stub.WatchUsers(pb2.WatchUsersRequest(role_filter="admin"))])
        report("BulkCreateUsers", lambda: stub.BulkCreateUsers(
            iter([pb2.CreateUserRequest(username=n) for n in ("a", "b", "c")])).created_count)
        report("UserChat", lambda: [m.text for m in stub.UserChat(
            iter([pb2.ChatMessage(sender="py", text="hello"), pb2.ChatMessage(sender="py", text="bye")]))])
        report("Deadline", lambda: stub.GetUser(pb2.GetUserRequest(id=999), timeout=0.2).user.username)
        call_metadata = [("x-role", "from-python")]
        report("Metadata", lambda: list(stub.GetUser.with_call(pb2.GetUserRequest(id=1), metadata=call_metadata)[1].initial_metadata()))


if __name__ == "__main__":
    main()
