"""A grpcio UserService server for interop tests: serves on 127.0.0.1 at an ephemeral port, prints the port, and
runs until stdin closes."""
import sys
from concurrent import futures

import grpc

import user_service_pb2 as pb2
import user_service_pb2_grpc as pb2_grpc


class UserService(pb2_grpc.UserServiceServicer):
    def GetUser(self, request, context):
        if request.id <= 0:
            context.set_trailing_metadata([("x-why", "not-positive")])
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "User ID must be positive")
        role = dict(context.invocation_metadata()).get("x-role", "none")
        return pb2.GetUserResponse(user=pb2.User(id=request.id, username=f"py{request.id}", roles=[role]))

    def CreateUser(self, request, context):
        return pb2.GetUserResponse(user=pb2.User(id=10, username=request.username, email=request.email))

    def ListUsers(self, request, context):
        return pb2.ListUsersResponse(users=[pb2.User(id=i) for i in range(request.page_size)])

    def WatchUsers(self, request, context):
        for i in range(3):
            yield pb2.User(id=i, roles=[request.role_filter])

    def BulkCreateUsers(self, request_iterator, context):
        return pb2.BulkCreateResponse(created_count=sum(1 for _ in request_iterator))

    def UserChat(self, request_iterator, context):
        for message in request_iterator:
            yield pb2.ChatMessage(sender="python", text=message.text[::-1])


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    pb2_grpc.add_UserServiceServicer_to_server(UserService(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
