import { FieldLabel, FieldType } from "../descriptor/descriptor-types.js";
import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto } from "../descriptor/descriptor-types.js";
import type { FileDescriptorProto as GeneratedFileDescriptorProto } from "../wkt/gen/google/protobuf/descriptor_pb.js";
import { jsonNameOf, localNameOf } from "./names.js";
import { EnumType, FieldPresence, fileFeatures, MessageEncoding, mergeFeatures, RepeatedFieldEncoding, Utf8Validation, type ResolvedFeatures } from "./features.js";
import { isPackable, parseDefaultValue } from "./scalar.js";
import type { EnumInfo, FieldInfo, MessageInfo, MethodInfo, OneofInfo, ServiceInfo } from "./type-info.js";

/**
 * Every message, enum, service and extension of a set of files, resolved and looked up by full name (without the
 * leading dot). Files are added in dependency order or all at once; references are resolved when `add` finishes.
 */
export class Registry {
  readonly files = new Map<string, FileDescriptorProto>();
  readonly messages = new Map<string, MessageInfo>();
  readonly enums = new Map<string, EnumInfo>();
  readonly services = new Map<string, ServiceInfo>();
  readonly extensions = new Map<string, FieldInfo>();
  private readonly extensionsByExtendee = new Map<string, Map<number, FieldInfo>>();
  /** Fields whose message or enum type is looked up once every file is in, with the scope they were declared in. */
  private pending: [FieldInfo, string][] = [];
  private pendingServices: Array<() => void> = [];

  /** `parents` are searched after this registry's own types, so that registries of generated files share the
   * type information of the files they import instead of rebuilding it. */
  constructor(private readonly parents: readonly Registry[] = []) {}

  static from(files: Iterable<FileDescriptorProto>, parents: readonly Registry[] = []): Registry {
    return new Registry(parents).add(files);
  }

  private inParents<T>(get: (r: Registry) => T | undefined): T | undefined {
    for (const p of this.parents) {
      const found = get(p);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  add(files: Iterable<FileDescriptorProto>): this {
    for (const file of files) {
      if (file.name !== undefined && (this.files.has(file.name) || this.inParents((r) => r.files.get(file.name!)))) continue;
      if (file.name !== undefined) this.files.set(file.name, file);
      const prefix = file.package ? file.package + "." : "";
      const features = fileFeatures(file);
      for (const e of file.enumType) this.addEnum(file, prefix, e, features);
      for (const m of file.messageType) this.addMessage(file, prefix, m, features);
      for (const x of file.extension) this.addExtension(file, prefix.slice(0, -1), x, features);
      for (const s of file.service) this.addService(file, prefix, s);
    }
    this.resolvePending();
    return this;
  }

  /** Every file this registry and its parents hold, by name. */
  allFiles(): Map<string, FileDescriptorProto> {
    const out = new Map<string, FileDescriptorProto>();
    for (const p of this.parents) for (const [name, file] of p.allFiles()) out.set(name, file);
    for (const [name, file] of this.files) out.set(name, file);
    return out;
  }

  getFile(name: string): FileDescriptorProto | undefined {
    return this.files.get(name) ?? this.inParents((r) => r.getFile(name));
  }

  getMessage(typeName: string): MessageInfo | undefined {
    const name = stripDot(typeName);
    return this.messages.get(name) ?? this.inParents((r) => r.getMessage(name));
  }

  getEnum(typeName: string): EnumInfo | undefined {
    const name = stripDot(typeName);
    return this.enums.get(name) ?? this.inParents((r) => r.getEnum(name));
  }

  getService(typeName: string): ServiceInfo | undefined {
    const name = stripDot(typeName);
    return this.services.get(name) ?? this.inParents((r) => r.getService(name));
  }

  getExtension(fullName: string): FieldInfo | undefined {
    const name = stripDot(fullName);
    return this.extensions.get(name) ?? this.inParents((r) => r.getExtension(name));
  }

  /** The extension of `extendee` with field number `no`. */
  getExtensionFor(extendee: string, no: number): FieldInfo | undefined {
    return this.extensionsByExtendee.get(stripDot(extendee))?.get(no) ?? this.inParents((r) => r.getExtensionFor(extendee, no));
  }

  extensionsOf(extendee: string): FieldInfo[] {
    const own = [...(this.extensionsByExtendee.get(stripDot(extendee))?.values() ?? [])];
    return [...own, ...this.parents.flatMap((r) => r.extensionsOf(extendee))];
  }

  private addEnum(file: FileDescriptorProto, prefix: string, proto: EnumDescriptorProto, parentFeatures: ResolvedFeatures): void {
    const byNumber = new Map<number, string>();
    const byName = new Map<string, number>();
    for (const v of proto.value) {
      if (!byNumber.has(v.number!)) byNumber.set(v.number!, v.name!);
      byName.set(v.name!, v.number!);
    }
    const typeName = prefix + proto.name;
    const closed = mergeFeatures(parentFeatures, proto.options).enumType === EnumType.CLOSED;
    this.enums.set(typeName, { kind: "enum", typeName, proto, file, closed, byNumber, byName });
  }

  private addMessage(file: FileDescriptorProto, prefix: string, proto: DescriptorProto, parentFeatures: ResolvedFeatures): void {
    const typeName = prefix + proto.name;
    const features = mergeFeatures(parentFeatures, proto.options);
    const mapEntry = proto.options?.["mapEntry"] === true;
    const oneofs: OneofInfo[] = proto.oneofDecl.map((o) => ({ name: o.name!, localName: localNameOf(o.name!), fields: [] }));
    const fields = proto.field.map((f) => {
      const scope = f.oneofIndex !== undefined ? mergeFeatures(features, proto.oneofDecl[f.oneofIndex]?.options) : features;
      return this.fieldInfo(file, f, oneofs, undefined, typeName, mergeFeatures(scope, f.options), mapEntry);
    });
    // Synthetic oneofs (proto3 `optional`) are presence markers, not oneofs a user sees.
    for (const f of fields) if (f.proto.proto3Optional) (f as { oneof: OneofInfo | undefined }).oneof = undefined;
    const info: MessageInfo = {
      kind: "message",
      typeName,
      proto,
      file,
      fields,
      fieldsByNumber: new Map(fields.map((f) => [f.no, f])),
      oneofs: oneofs.filter((o) => o.fields.length > 0 && !o.fields.every((f) => f.proto.proto3Optional)),
      mapEntry,
    };
    this.messages.set(typeName, info);
    for (const e of proto.enumType) this.addEnum(file, typeName + ".", e, features);
    for (const m of proto.nestedType) this.addMessage(file, typeName + ".", m, features);
    for (const x of proto.extension) this.addExtension(file, typeName, x, features);
  }

  private addExtension(file: FileDescriptorProto, scope: string, proto: FieldDescriptorProto, parentFeatures: ResolvedFeatures): void {
    const info = this.fieldInfo(file, proto, [], stripDot(proto.extendee!), scope, mergeFeatures(parentFeatures, proto.options), false);
    const fullName = scope ? `${scope}.${proto.name}` : proto.name!;
    info.fullName = fullName;
    this.extensions.set(fullName, info);
    const extendee = stripDot(proto.extendee!);
    let byNo = this.extensionsByExtendee.get(extendee);
    if (!byNo) this.extensionsByExtendee.set(extendee, (byNo = new Map()));
    byNo.set(proto.number!, info);
  }

  private addService(file: FileDescriptorProto, prefix: string, proto: import("../descriptor/descriptor-types.js").ServiceDescriptorProto): void {
    const typeName = prefix + proto.name;
    const methods: MethodInfo[] = [];
    this.services.set(typeName, { kind: "service", typeName, proto, file, methods });
    this.pendingServices.push(() => {
      for (const m of proto.method) {
        methods.push({
          name: m.name!,
          path: `/${typeName}/${m.name}`,
          input: this.require(this.resolve(m.inputType!, typeName, (n) => this.getMessage(n)), m.inputType!),
          output: this.require(this.resolve(m.outputType!, typeName, (n) => this.getMessage(n)), m.outputType!),
          clientStreaming: m.clientStreaming === true,
          serverStreaming: m.serverStreaming === true,
          proto: m,
        });
      }
    });
  }

  /**
   * A field's behaviour comes from its resolved features (proto2 and proto3 being the legacy editions): presence,
   * packing, UTF-8 checks, legacy required, and delimited (group) encoding of a message field. A map's entry is never
   * delimited, and neither is a message field of an entry; whether a field's message is a map entry is only known
   * once types are resolved (resolvePending).
   */
  private fieldInfo(file: FileDescriptorProto, proto: FieldDescriptorProto, oneofs: OneofInfo[], extendee: string | undefined, scope: string, features: ResolvedFeatures, inMapEntry: boolean): FieldInfo {
    const repeated = proto.label === FieldLabel.REPEATED;
    const delimited = proto.type === FieldType.MESSAGE && !inMapEntry && features.messageEncoding === MessageEncoding.DELIMITED;
    const type = delimited ? FieldType.GROUP : proto.type!;
    const oneof = proto.oneofIndex !== undefined ? oneofs[proto.oneofIndex] : undefined;
    const packedOption = proto.options?.["packed"] as boolean | undefined;
    const isMessage = type === FieldType.MESSAGE || type === FieldType.GROUP;
    const info: FieldInfo = {
      no: proto.number!,
      name: proto.name!,
      localName: localNameOf(proto.name!),
      jsonName: proto.jsonName ?? jsonNameOf(proto.name!),
      type,
      repeated,
      packed: repeated && isPackable(type) && (packedOption ?? features.repeatedFieldEncoding === RepeatedFieldEncoding.PACKED),
      explicitPresence: !repeated && (isMessage || oneof !== undefined || extendee !== undefined || features.fieldPresence !== FieldPresence.IMPLICIT),
      required: proto.label === FieldLabel.REQUIRED || (!repeated && features.fieldPresence === FieldPresence.LEGACY_REQUIRED),
      oneof,
      utf8Strict: features.utf8Validation === Utf8Validation.VERIFY,
      message: undefined,
      enum: undefined,
      map: undefined,
      defaultValue: proto.defaultValue !== undefined ? parseDefaultValue(type, proto.defaultValue) : undefined,
      extendee,
      proto,
    };
    oneof?.fields.push(info);
    if (type === FieldType.MESSAGE || type === FieldType.GROUP || type === FieldType.ENUM) this.pending.push([info, scope]);
    return info;
  }

  private resolvePending(): void {
    for (const [f, scope] of this.pending) {
      const name = f.proto.typeName!;
      if (f.type === FieldType.ENUM) {
        const e = this.require(this.resolve(name, scope, (n) => this.getEnum(n)), name);
        f.enum = e;
        if (typeof f.defaultValue === "string") f.defaultValue = e.byName.get(f.defaultValue);
      } else {
        const m = this.require(this.resolve(name, scope, (n) => this.getMessage(n)), name);
        f.message = m;
        // A map field is never delimited, whatever the features say.
        if (m.mapEntry && f.type === FieldType.GROUP && f.proto.type === FieldType.MESSAGE) (f as { type: FieldType }).type = FieldType.MESSAGE;
        if (m.mapEntry && f.repeated) f.map = { key: m.fields[0]!, value: m.fields[1]! };
      }
    }
    this.pending = [];
    for (const resolve of this.pendingServices) resolve();
    this.pendingServices = [];
  }

  /**
   * A type name as a descriptor gives it: fully qualified with a leading dot (what protoc writes), or relative to
   * `scope` and found by C++-like scoping, innermost first (descriptor.proto allows it; protobufjs, and so
   * @grpc/reflection, writes names that way).
   */
  private resolve<T>(name: string, scope: string, lookup: (fullName: string) => T | undefined): T | undefined {
    if (name.startsWith(".")) return lookup(name.slice(1));
    for (let s = scope; ; s = s.slice(0, Math.max(0, s.lastIndexOf(".")))) {
      const found = lookup(s ? `${s}.${name}` : name);
      if (found !== undefined || s === "") return found;
    }
  }

  private require<T>(found: T | undefined, name: string): T {
    if (found === undefined) throw new Error(`type ${name} is not in the registry: add the file that defines it`);
    return found;
  }
}

function stripDot(name: string): string {
  return name.startsWith(".") ? name.slice(1) : name;
}

/**
 * A registry of `files` (in dependency order, or all at once), searching `parents` after its own types. The files may
 * be the runtime's descriptor model (what the compiler returns) or the generated `FileDescriptorProto` of
 * `@tsgrpc/protobuf/wkt` (a decoded `FileDescriptorSet`, as `protoc -o` writes it): both are what decoding
 * descriptor.proto gives, with different enum types for the same numbers.
 */
export function createRegistry(files: Iterable<FileDescriptorProto | GeneratedFileDescriptorProto>, parents: readonly Registry[] = []): Registry {
  return Registry.from(files as Iterable<FileDescriptorProto>, parents);
}
