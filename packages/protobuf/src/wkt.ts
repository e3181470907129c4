// @tsgrpc/protobuf/wkt: the well-known types (google/protobuf/*.proto), which generated code imports from here
// instead of generating its own copies, and helpers for Timestamp, Duration and Any.
export * from "./wkt/gen/google/protobuf/any_pb.js";
export * from "./wkt/gen/google/protobuf/api_pb.js";
export * from "./wkt/gen/google/protobuf/descriptor_pb.js";
export * from "./wkt/gen/google/protobuf/duration_pb.js";
export * from "./wkt/gen/google/protobuf/empty_pb.js";
export * from "./wkt/gen/google/protobuf/field_mask_pb.js";
export * from "./wkt/gen/google/protobuf/source_context_pb.js";
export * from "./wkt/gen/google/protobuf/struct_pb.js";
export * from "./wkt/gen/google/protobuf/timestamp_pb.js";
export * from "./wkt/gen/google/protobuf/type_pb.js";
export * from "./wkt/gen/google/protobuf/wrappers_pb.js";
export { timestampNow, timestampFromDate, timestampFromMs, timestampDate, timestampMs, durationFromMs, durationMs } from "./wkt/time.js";
export { anyPack, anyUnpack, anyIs } from "./wkt/any.js";
