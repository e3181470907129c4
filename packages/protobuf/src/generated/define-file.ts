import { DESCRIPTOR_PROTO } from "../descriptor/descriptor-proto.js";
import type { FileDescriptorProto } from "../descriptor/descriptor-types.js";
import { base64Decode } from "../json/base64.js";
import { messageType } from "../message/dynamic-message-type.js";
import type { MessageType } from "../message/message-type.js";
import { Registry } from "../reflect/registry.js";
import type { EnumInfo, MessageInfo, ServiceInfo } from "../reflect/type-info.js";

/** What a generated module knows about its .proto file: the descriptor, and the registry its types live in. */
export interface FileDefinition {
  readonly proto: FileDescriptorProto;
  readonly registry: Registry;
  message(typeName: string): MessageInfo;
  enum(typeName: string): EnumInfo;
  service(typeName: string): ServiceInfo;
}

let descriptorRegistry: Registry | undefined;

/** The types of google/protobuf/descriptor.proto, from the copy the runtime carries (no compiler needed). */
export function getDescriptorRegistry(): Registry {
  return (descriptorRegistry ??= Registry.from([DESCRIPTOR_PROTO]));
}

let fileDescriptorType: MessageType<FileDescriptorProto> | undefined;

/** google.protobuf.FileDescriptorProto's MessageType: decodes and encodes file descriptors. */
export function getFileDescriptorType(): MessageType<FileDescriptorProto> {
  return (fileDescriptorType ??= messageType<FileDescriptorProto>(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorProto")!) as MessageType<FileDescriptorProto>);
}

/** Called once by each generated module with its file's serialized descriptor and its imports' definitions. */
export function defineFile(descriptorBase64: string, deps: readonly FileDefinition[]): FileDefinition {
  const proto = getFileDescriptorType().decode(base64Decode(descriptorBase64)!);
  const registry = Registry.from([proto], deps.map((d) => d.registry));
  const need = <T>(found: T | undefined, name: string): T => {
    if (found === undefined) throw new Error(`${proto.name} defines no ${name}`);
    return found;
  };
  return {
    proto,
    registry,
    message: (name) => need(registry.getMessage(name), name),
    enum: (name) => need(registry.getEnum(name), name),
    service: (name) => need(registry.getService(name), name),
  };
}
