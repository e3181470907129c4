"""Interop cases run by Python grpcio against a server at argv[1]; prints "<case> passed" or raises."""
import os
import sys
import threading

import grpc

# The generated modules live in grpc/testing under the folder in INTEROP_GEN: a package name that grpcio itself owns,
# so that folder is added to grpc's package path.
grpc.__path__.append(os.path.join(os.environ["INTEROP_GEN"], "grpc"))

from grpc.testing import empty_pb2, messages_pb2, test_pb2_grpc  # noqa: E402


def payload(n):
    return messages_pb2.Payload(body=b"\0" * n)


def main():
    if len(sys.argv) >= 4:  # address, CA file, server name: TLS
        with open(sys.argv[2], "rb") as ca:
            credentials = grpc.ssl_channel_credentials(root_certificates=ca.read())
        channel = grpc.secure_channel(sys.argv[1], credentials, options=[("grpc.ssl_target_name_override", sys.argv[3])])
    else:
        channel = grpc.insecure_channel(sys.argv[1])
    stub = test_pb2_grpc.TestServiceStub(channel)

    stub.EmptyCall(empty_pb2.Empty())
    print("empty_unary passed")

    r = stub.UnaryCall(messages_pb2.SimpleRequest(response_size=314159, payload=payload(271828)))
    assert len(r.payload.body) == 314159
    print("large_unary passed")

    r = stub.UnaryCall(messages_pb2.SimpleRequest(response_size=314159, payload=payload(271828),
                                                  expect_compressed=messages_pb2.BoolValue(value=True)),
                       compression=grpc.Compression.Gzip)
    assert len(r.payload.body) == 314159
    try:
        stub.UnaryCall(messages_pb2.SimpleRequest(expect_compressed=messages_pb2.BoolValue(value=True)))
        raise AssertionError("uncompressed probe was accepted")
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.INVALID_ARGUMENT, e
    print("client_compressed_unary passed")

    sizes = [31415, 9, 2653, 58979]
    got = [len(m.payload.body) for m in stub.StreamingOutputCall(messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=s) for s in sizes]))]
    assert got == sizes, got
    print("server_streaming passed")

    r = stub.StreamingInputCall(iter([messages_pb2.StreamingInputCallRequest(payload=payload(n)) for n in [27182, 8, 1828, 45904]]))
    assert r.aggregated_payload_size == 74922
    print("client_streaming passed")

    pairs = [(31415, 27182), (9, 8), (2653, 1828), (58979, 45904)]
    got = [len(m.payload.body) for m in stub.FullDuplexCall(iter([messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=a)], payload=payload(b)) for a, b in pairs]))]
    assert got == [a for a, _ in pairs], got
    print("ping_pong passed")

    assert list(stub.FullDuplexCall(iter([]))) == []
    print("empty_stream passed")

    metadata = [("x-grpc-test-echo-initial", "test_initial_metadata_value"), ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab")]
    _, call = stub.UnaryCall.with_call(messages_pb2.SimpleRequest(response_size=1), metadata=metadata)
    assert ("x-grpc-test-echo-initial", "test_initial_metadata_value") in list(call.initial_metadata())
    assert ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab") in list(call.trailing_metadata())
    print("custom_metadata passed")

    message = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"
    for code, text in [(2, "test status message"), (2, message)]:
        try:
            stub.UnaryCall(messages_pb2.SimpleRequest(response_status=messages_pb2.EchoStatus(code=code, message=text)))
            raise AssertionError("status was not returned")
        except grpc.RpcError as e:
            assert e.code() == grpc.StatusCode.UNKNOWN and e.details() == text, (e.code(), e.details())
    print("status_code_and_message passed")
    print("special_status_message passed")

    try:
        stub.UnimplementedCall(empty_pb2.Empty())
        raise AssertionError("unimplemented call succeeded")
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.UNIMPLEMENTED
    print("unimplemented_method passed")

    def one_request_then_wait():
        # The request stream stays open, so the server has nothing to do but wait: only the deadline ends the call.
        yield messages_pb2.StreamingOutputCallRequest(payload=payload(27182))
        threading.Event().wait(2)

    try:
        list(stub.FullDuplexCall(one_request_then_wait(), timeout=0.001))
        raise AssertionError("deadline did not pass")
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.DEADLINE_EXCEEDED, e.code()
    print("timeout_on_sleeping_server passed")


if __name__ == "__main__":
    main()
