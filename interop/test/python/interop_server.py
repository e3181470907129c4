"""grpc.testing.TestService in Python grpcio, for the tsgrpc interop client: serves on 127.0.0.1 at an ephemeral port
(TLS when argv[1:3] name a certificate and key), prints the port, and runs until stdin closes."""
import os
import sys
import time
from concurrent import futures

import grpc

grpc.__path__.append(os.path.join(os.environ["INTEROP_GEN"], "grpc"))

from grpc.testing import empty_pb2, messages_pb2, test_pb2_grpc  # noqa: E402


def echo_metadata(context):
    md = dict(context.invocation_metadata())
    if "x-grpc-test-echo-initial" in md:
        context.send_initial_metadata([("x-grpc-test-echo-initial", md["x-grpc-test-echo-initial"])])
    if "x-grpc-test-echo-trailing-bin" in md:
        context.set_trailing_metadata([("x-grpc-test-echo-trailing-bin", md["x-grpc-test-echo-trailing-bin"])])


def payload(n):
    return messages_pb2.Payload(body=b"\0" * n)


class TestService(test_pb2_grpc.TestServiceServicer):
    def EmptyCall(self, request, context):
        echo_metadata(context)
        return empty_pb2.Empty()

    def UnaryCall(self, request, context):
        echo_metadata(context)
        if request.response_status.code:
            context.abort(grpc.StatusCode(tuple(c for c in grpc.StatusCode if c.value[0] == request.response_status.code)[0]), request.response_status.message)
        if request.response_compressed.value:
            context.set_compression(grpc.Compression.Gzip)
        return messages_pb2.SimpleResponse(payload=payload(request.response_size))

    def StreamingOutputCall(self, request, context):
        for p in request.response_parameters:
            time.sleep(p.interval_us / 1e6)
            if p.compressed.value:
                context.set_compression(grpc.Compression.Gzip)
            else:
                context.disable_next_message_compression()
            yield messages_pb2.StreamingOutputCallResponse(payload=payload(p.size))

    def StreamingInputCall(self, request_iterator, context):
        return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=sum(len(r.payload.body) for r in request_iterator))

    def FullDuplexCall(self, request_iterator, context):
        echo_metadata(context)
        for r in request_iterator:
            if r.response_status.code:
                context.abort(grpc.StatusCode(tuple(c for c in grpc.StatusCode if c.value[0] == r.response_status.code)[0]), r.response_status.message)
            for p in r.response_parameters:
                yield messages_pb2.StreamingOutputCallResponse(payload=payload(p.size))


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    test_pb2_grpc.add_TestServiceServicer_to_server(TestService(), server)
    if len(sys.argv) >= 3:
        with open(sys.argv[1], "rb") as cert, open(sys.argv[2], "rb") as key:
            port = server.add_secure_port("127.0.0.1:0", grpc.ssl_server_credentials([(key.read(), cert.read())]))
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
