"""A grpcio server with no services and a strict PING policy (grpc-core's keepalive enforcement): no PING without
calls in flight, and a second PING too early is one strike too many. Serves on 127.0.0.1 at an ephemeral port,
prints the port, and runs until stdin closes."""
import sys
from concurrent import futures

import grpc


def main():
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=2),
        options=[
            ("grpc.keepalive_permit_without_calls", 0),
            ("grpc.http2.min_ping_interval_without_data_ms", 60000),
            ("grpc.http2.max_ping_strikes", 1),
        ],
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
