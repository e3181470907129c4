import { BinaryReader, DecodeError, getDescriptorRegistry, messageType, UnknownFields, WireType } from "@tsgrpc/protobuf/codegen-support";
import type { FileDescriptorProto, Registry } from "@tsgrpc/protobuf";

/** Encodes files as a google.protobuf.FileDescriptorSet (what protoc's --descriptor_set_out writes). */
export function encodeDescriptorSet(builtin: Registry, files: FileDescriptorProto[], includeSourceInfo: boolean): Uint8Array {
  const type = messageType(builtin.getMessage("google.protobuf.FileDescriptorSet")!);
  const file = files.map((f) => (includeSourceInfo ? f : { ...f, sourceCodeInfo: undefined }));
  return type.encode({ file });
}

/** A file of a decoded descriptor set; `isImport` when a buf image marks it as an import of the files built. */
export interface DescriptorSetFile {
  proto: FileDescriptorProto;
  isImport: boolean;
}

/** A descriptor set that cannot be one: the message says why. */
export class DescriptorSetError extends Error {
  override name = "DescriptorSetError";
}

/** buf images are FileDescriptorSets whose files carry field 8042, buf's ImageFileExtension (its field 1: is_import). */
const BUF_EXTENSION_FIELD = 8042;

function bufIsImport(file: FileDescriptorProto): boolean {
  for (const chunk of (file as { [UnknownFields]?: Uint8Array[] })[UnknownFields] ?? []) {
    const reader = new BinaryReader(chunk);
    if (reader.tag() !== ((BUF_EXTENSION_FIELD << 3) | WireType.LengthDelimited)) continue;
    const extension = new BinaryReader(reader.bytes());
    while (extension.pos < extension.end) {
      const tag = extension.tag();
      if (tag === ((1 << 3) | WireType.Varint)) return extension.bool();
      extension.skip(tag & 7, tag >>> 3);
    }
  }
  return false;
}

/**
 * Decodes a google.protobuf.FileDescriptorSet (protoc -o, buf build -o as .binpb): its files in order, each with
 * buf's import mark when present. Bytes that are not a descriptor set (they do not decode as one, hold no file, or a
 * file without a name, a name twice) are a DescriptorSetError.
 */
export function decodeDescriptorSet(bytes: Uint8Array): DescriptorSetFile[] {
  const type = messageType(getDescriptorRegistry().getMessage("google.protobuf.FileDescriptorSet")!);
  let files: FileDescriptorProto[];
  try {
    files = (type.decode(bytes) as { file: FileDescriptorProto[] }).file;
  } catch (e) {
    if (e instanceof DecodeError) throw new DescriptorSetError(`not a FileDescriptorSet: ${e.message}`);
    throw e;
  }
  if (files.length === 0) throw new DescriptorSetError("not a FileDescriptorSet: it holds no file");
  const unnamed = files.findIndex((f) => !f.name);
  if (unnamed >= 0) throw new DescriptorSetError(`not a FileDescriptorSet: file ${unnamed + 1} has no name`);
  const twice = files.find((f, i) => files.findIndex((g) => g.name === f.name) !== i);
  if (twice) throw new DescriptorSetError(`not a valid FileDescriptorSet: file "${twice.name}" appears twice`);
  return files.map((proto) => ({ proto, isImport: bufIsImport(proto) }));
}
