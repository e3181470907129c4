import { messageType } from "@tsgrpc/protobuf/codegen-support";
import type { FileDescriptorProto, Registry } from "@tsgrpc/protobuf";

/** Encodes files as a google.protobuf.FileDescriptorSet (what protoc's --descriptor_set_out writes). */
export function encodeDescriptorSet(builtin: Registry, files: FileDescriptorProto[], includeSourceInfo: boolean): Uint8Array {
  const type = messageType(builtin.getMessage("google.protobuf.FileDescriptorSet")!);
  const file = files.map((f) => (includeSourceInfo ? f : { ...f, sourceCodeInfo: undefined }));
  return type.encode({ file });
}
