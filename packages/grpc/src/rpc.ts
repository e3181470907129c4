// @tsgrpc/grpc/rpc: google/rpc's status.proto, error_details.proto and code.proto, which generated code imports from
// here when a schema imports them (instead of generating its own copies). The error details are also exported from
// the package root, with packDetail and findDetail.
export * from "./gen/google/rpc/status_pb.js";
export * from "./gen/google/rpc/error_details_pb.js";
export * from "./gen/google/rpc/code_pb.js";
