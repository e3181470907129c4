# The tutorial's client (client.py), with its client-streaming call, unchanged except that the target may be given
# on the command line (default: the tutorial's localhost:50051). Stubs come from the tutorial's own commands:
#   python -m grpc_tools.protoc -I. --python_out=. --grpc_python_out=. user_service.proto
# (or protoc with grpc_python_plugin, which is what the tests use).
import sys

import grpc
import user_service_pb2 as pb2
import user_service_pb2_grpc as pb2_grpc


def generate_users():
    """Generator that yields CreateUserRequest messages."""
    names = ["dave", "eve", "frank", "grace"]
    for name in names:
        yield pb2.CreateUserRequest(
            username=name,
            email=f"{name}@example.com",
        )


def run(target):
    # Create a channel to the server
    channel = grpc.insecure_channel(target)
    stub = pb2_grpc.UserServiceStub(channel)
    # Get a user
    try:
        response = stub.GetUser(pb2.GetUserRequest(id=1))
        print(f"Got user: {response.user.username} ({response.user.email})")
    except grpc.RpcError as e:
        print(f"Error: {e.code()} - {e.details()}")
    # Create a user
    response = stub.CreateUser(
        pb2.CreateUserRequest(
            username="charlie",
            email="charlie@example.com",
        )
    )
    print(f"Created user: {response.user.id} - {response.user.username}")
    # List users
    response = stub.ListUsers(pb2.ListUsersRequest(page_size=10))
    for user in response.users:
        print(f" - {user.username} ({user.email})")
    # Client streaming call
    response = stub.BulkCreateUsers(generate_users())
    print(f"Created {response.created_count} users")
    # Server streaming: the users with role "user" (the stream stays open for new users; the deadline ends it)
    try:
        for user in stub.WatchUsers(pb2.WatchUsersRequest(role_filter="user"), timeout=1.0):
            print(f"Watched: {user.username}")
    except grpc.RpcError as e:
        print(f"Watch ended: {e.code()}")
    # Error handling with a deadline, as in the tutorial
    try:
        stub.GetUser(pb2.GetUserRequest(id=999), timeout=5.0)
    except grpc.RpcError as e:
        if e.code() == grpc.StatusCode.NOT_FOUND:
            print("User not found")
        else:
            print(f"RPC failed: {e.code()} - {e.details()}")


if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else "localhost:50051")
