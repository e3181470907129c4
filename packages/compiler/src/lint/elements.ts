/**
 * The declarations of compiled files as lint and breaking see them: each with its file, descriptor, source path (for
 * its location) and full name, nested ones included, in declaration order.
 */
import type { DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto, FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto } from "@tsgrpc/protobuf";

/** A file whose declarations are walked (lint's and breaking's inputs both are). */
export interface ElementFile {
  proto: FileDescriptorProto;
  isImport?: boolean;
}

export interface MessageEl {
  file: ElementFile;
  proto: DescriptorProto;
  path: number[];
  fullName: string;
  isMapEntry: boolean;
  /** The message it is nested in (undefined at the top level). */
  parent?: MessageEl | undefined;
}
export interface FieldEl {
  file: ElementFile;
  proto: FieldDescriptorProto;
  path: number[];
  /** The message the field is declared in (undefined for a top-level extension). */
  parent: MessageEl | undefined;
}
export interface OneofEl {
  file: ElementFile;
  proto: OneofDescriptorProto;
  path: number[];
  parent: MessageEl;
  fields: FieldDescriptorProto[];
}
export interface EnumEl {
  file: ElementFile;
  proto: EnumDescriptorProto;
  path: number[];
  fullName: string;
  /** The message it is nested in (undefined at the top level). */
  parent?: MessageEl | undefined;
}
export interface EnumValueEl {
  file: ElementFile;
  proto: EnumValueDescriptorProto;
  path: number[];
  parent: EnumEl;
}
export interface ServiceEl {
  file: ElementFile;
  proto: ServiceDescriptorProto;
  path: number[];
  fullName: string;
}
export interface MethodEl {
  file: ElementFile;
  proto: MethodDescriptorProto;
  path: number[];
  service: ServiceEl;
  fullName: string;
}

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);

export function messagesOf(files: readonly ElementFile[]): MessageEl[] {
  const out: MessageEl[] = [];
  for (const file of files) {
    const visit = (m: DescriptorProto, path: number[], scope: string, parent: MessageEl | undefined) => {
      const el: MessageEl = { file, proto: m, path, fullName: join(scope, m.name!), isMapEntry: m.options?.["mapEntry"] === true, parent };
      out.push(el);
      m.nestedType.forEach((n, i) => visit(n, [...path, 3, i], el.fullName, el));
    };
    file.proto.messageType.forEach((m, i) => visit(m, [4, i], file.proto.package ?? "", undefined));
  }
  return out;
}

/** Fields and extensions, those nested in messages included. */
export function fieldsOf(files: readonly ElementFile[]): FieldEl[] {
  const out: FieldEl[] = [];
  for (const m of messagesOf(files)) {
    m.proto.field.forEach((f, i) => out.push({ file: m.file, proto: f, path: [...m.path, 2, i], parent: m }));
    m.proto.extension.forEach((f, i) => out.push({ file: m.file, proto: f, path: [...m.path, 6, i], parent: m }));
  }
  for (const file of files) file.proto.extension.forEach((f, i) => out.push({ file, proto: f, path: [7, i], parent: undefined }));
  return out;
}

export function oneofsOf(files: readonly ElementFile[]): OneofEl[] {
  const out: OneofEl[] = [];
  for (const m of messagesOf(files))
    m.proto.oneofDecl.forEach((o, i) => out.push({ file: m.file, proto: o, path: [...m.path, 8, i], parent: m, fields: m.proto.field.filter((f) => f.oneofIndex === i) }));
  return out;
}

export function enumsOf(files: readonly ElementFile[]): EnumEl[] {
  const out: EnumEl[] = [];
  for (const file of files) file.proto.enumType.forEach((e, i) => out.push({ file, proto: e, path: [5, i], fullName: join(file.proto.package ?? "", e.name!) }));
  for (const m of messagesOf(files)) m.proto.enumType.forEach((e, i) => out.push({ file: m.file, proto: e, path: [...m.path, 4, i], fullName: join(m.fullName, e.name!), parent: m }));
  return out;
}

export function enumValuesOf(files: readonly ElementFile[]): EnumValueEl[] {
  return enumsOf(files).flatMap((e) => e.proto.value.map((v, i) => ({ file: e.file, proto: v, path: [...e.path, 2, i], parent: e })));
}

export function servicesOf(files: readonly ElementFile[]): ServiceEl[] {
  return files.flatMap((file) => file.proto.service.map((s, i) => ({ file, proto: s, path: [6, i], fullName: join(file.proto.package ?? "", s.name!) })));
}

export function methodsOf(files: readonly ElementFile[]): MethodEl[] {
  return servicesOf(files).flatMap((s) => s.proto.method.map((m, j) => ({ file: s.file, proto: m, path: [...s.path, 2, j], service: s, fullName: `${s.fullName}.${m.name!}` })));
}
