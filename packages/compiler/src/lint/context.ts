import type { DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto, FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto, SourceCodeInfo_Location } from "@tsgrpc/protobuf";

/** A file given to lint: its descriptor (with source code info) and what the compiler knows about its imports. */
export interface LintFileInput {
  proto: FileDescriptorProto;
  /** An import of the files linted, not one of them: seen by the rules about packages and imports, never reported on. */
  isImport?: boolean;
  /** Indexes into `dependency` of the imports the file does not use (Compiler.unusedDependencies); none when absent. */
  unusedDependency?: readonly number[];
}

/** One problem: 1-based line and column of where it starts (1:1 for the file as a whole), as buf reports it. */
export interface LintFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  message: string;
  /** The source path of the element reported (what `// buf:lint:ignore` comments are looked up from). */
  path?: number[];
}

/** The rule options of buf.yaml's lint section, with buf's defaults. */
export interface LintRuleOptions {
  enumZeroValueSuffix: string;
  serviceSuffix: string;
  rpcAllowSameRequestResponse: boolean;
  rpcAllowGoogleProtobufEmptyRequests: boolean;
  rpcAllowGoogleProtobufEmptyResponses: boolean;
  /** Leading comment lines that do not count as documentation for the COMMENT_* rules. */
  commentExcludes: string[];
}

/** Source locations of one file by path ("4,0,2,1"), the first one protoc gives for a path. */
export class Locations {
  private readonly byPath = new Map<string, SourceCodeInfo_Location>();
  constructor(file: FileDescriptorProto) {
    for (const loc of file.sourceCodeInfo?.location ?? []) {
      const key = loc.path.join(",");
      if (!this.byPath.has(key)) this.byPath.set(key, loc);
    }
  }
  get(path: readonly number[]): SourceCodeInfo_Location | undefined {
    return this.byPath.get(path.join(","));
  }
}

export interface MessageEl {
  file: LintFileInput;
  proto: DescriptorProto;
  path: number[];
  fullName: string;
  isMapEntry: boolean;
}
export interface FieldEl {
  file: LintFileInput;
  proto: FieldDescriptorProto;
  path: number[];
  /** The message the field is declared in (undefined for a top-level extension). */
  parent: MessageEl | undefined;
}
export interface OneofEl {
  file: LintFileInput;
  proto: OneofDescriptorProto;
  path: number[];
  parent: MessageEl;
  fields: FieldDescriptorProto[];
}
export interface EnumEl {
  file: LintFileInput;
  proto: EnumDescriptorProto;
  path: number[];
}
export interface EnumValueEl {
  file: LintFileInput;
  proto: EnumValueDescriptorProto;
  path: number[];
  parent: EnumEl;
}
export interface ServiceEl {
  file: LintFileInput;
  proto: ServiceDescriptorProto;
  path: number[];
  fullName: string;
}
export interface MethodEl {
  file: LintFileInput;
  proto: MethodDescriptorProto;
  path: number[];
  service: ServiceEl;
  fullName: string;
}

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);

/** What one rule sees: every file (imports included), the files it checks, its options, and where to report. */
export class LintContext {
  constructor(
    /** Every file, imports included. */
    readonly all: readonly LintFileInput[],
    /** The files the rules check (not imports). */
    readonly targets: readonly LintFileInput[],
    readonly options: LintRuleOptions,
    private readonly rule: string,
    private readonly out: LintFinding[],
    private readonly locations: (file: FileDescriptorProto) => Locations,
  ) {}

  /** Reports at the location of `path` in `file`; without a path (or with one that has no location) at 1:1. */
  report(file: LintFileInput, path: readonly number[] | undefined, message: string): void {
    const loc = path ? this.locations(file.proto).get(path) : undefined;
    const name = file.proto.name!;
    if (!loc) {
      this.out.push({ file: name, line: 1, column: 1, endLine: 1, endColumn: 1, rule: this.rule, message });
      return;
    }
    const [line, column, a, b] = loc.span as [number, number, number, number?];
    const [endLine, endColumn] = b === undefined ? [line, a] : [a, b];
    this.out.push({ file: name, line: line + 1, column: column + 1, endLine: endLine + 1, endColumn: endColumn + 1, rule: this.rule, message, path: [...path!] });
  }

  hasLocation(file: LintFileInput, path: readonly number[]): boolean {
    return this.locations(file.proto).get(path) !== undefined;
  }

  leadingComments(file: LintFileInput, path: readonly number[]): string | undefined {
    const loc = this.locations(file.proto).get(path);
    return loc ? (loc.leadingComments ?? "") : undefined;
  }

  messages(): MessageEl[] {
    const out: MessageEl[] = [];
    for (const file of this.targets) {
      const visit = (m: DescriptorProto, path: number[], scope: string) => {
        const el: MessageEl = { file, proto: m, path, fullName: join(scope, m.name!), isMapEntry: m.options?.["mapEntry"] === true };
        out.push(el);
        m.nestedType.forEach((n, i) => visit(n, [...path, 3, i], el.fullName));
      };
      file.proto.messageType.forEach((m, i) => visit(m, [4, i], file.proto.package ?? ""));
    }
    return out;
  }

  /** Fields and extensions, those nested in messages included. */
  fields(): FieldEl[] {
    const out: FieldEl[] = [];
    for (const m of this.messages()) {
      m.proto.field.forEach((f, i) => out.push({ file: m.file, proto: f, path: [...m.path, 2, i], parent: m }));
      m.proto.extension.forEach((f, i) => out.push({ file: m.file, proto: f, path: [...m.path, 6, i], parent: m }));
    }
    for (const file of this.targets) file.proto.extension.forEach((f, i) => out.push({ file, proto: f, path: [7, i], parent: undefined }));
    return out;
  }

  oneofs(): OneofEl[] {
    const out: OneofEl[] = [];
    for (const m of this.messages())
      m.proto.oneofDecl.forEach((o, i) => out.push({ file: m.file, proto: o, path: [...m.path, 8, i], parent: m, fields: m.proto.field.filter((f) => f.oneofIndex === i) }));
    return out;
  }

  enums(): EnumEl[] {
    const out: EnumEl[] = [];
    for (const file of this.targets) file.proto.enumType.forEach((e, i) => out.push({ file, proto: e, path: [5, i] }));
    for (const m of this.messages()) m.proto.enumType.forEach((e, i) => out.push({ file: m.file, proto: e, path: [...m.path, 4, i] }));
    return out;
  }

  enumValues(): EnumValueEl[] {
    return this.enums().flatMap((e) => e.proto.value.map((v, i) => ({ file: e.file, proto: v, path: [...e.path, 2, i], parent: e })));
  }

  services(): ServiceEl[] {
    return this.targets.flatMap((file) => file.proto.service.map((s, i) => ({ file, proto: s, path: [6, i], fullName: join(file.proto.package ?? "", s.name!) })));
  }

  methods(): MethodEl[] {
    return this.services().flatMap((s) => s.proto.method.map((m, j) => ({ file: s.file, proto: m, path: [...s.path, 2, j], service: s, fullName: `${s.fullName}.${m.name!}` })));
  }
}

/** A type name as buf shows it: without the leading dot. */
export const typeName = (name: string | undefined) => (name ?? "").replace(/^\./, "");

/** The directory of a file's path, "." for a file at the root. */
export function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : path.slice(0, i);
}

/** Go's %q for the ASCII strings of schemas. */
export const q = (s: string) => JSON.stringify(s);
