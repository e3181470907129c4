import type { FileDescriptorProto, SourceCodeInfo_Location } from "@tsgrpc/protobuf";
import { type ElementFile, enumsOf, enumValuesOf, fieldsOf, messagesOf, methodsOf, oneofsOf, servicesOf, type EnumEl, type EnumValueEl, type FieldEl, type MessageEl, type MethodEl, type OneofEl, type ServiceEl } from "./elements.js";

export type { EnumEl, EnumValueEl, FieldEl, MessageEl, MethodEl, OneofEl, ServiceEl } from "./elements.js";

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
  report(file: ElementFile, path: readonly number[] | undefined, message: string): void {
    const loc = path ? this.locations(file.proto).get(path) : undefined;
    this.out.push(findingAt(file.proto.name!, loc, path, this.rule, message));
  }

  hasLocation(file: ElementFile, path: readonly number[]): boolean {
    return this.locations(file.proto).get(path) !== undefined;
  }

  leadingComments(file: ElementFile, path: readonly number[]): string | undefined {
    const loc = this.locations(file.proto).get(path);
    return loc ? (loc.leadingComments ?? "") : undefined;
  }

  messages(): MessageEl[] {
    return messagesOf(this.targets);
  }

  /** Fields and extensions, those nested in messages included. */
  fields(): FieldEl[] {
    return fieldsOf(this.targets);
  }

  oneofs(): OneofEl[] {
    return oneofsOf(this.targets);
  }

  enums(): EnumEl[] {
    return enumsOf(this.targets);
  }

  enumValues(): EnumValueEl[] {
    return enumValuesOf(this.targets);
  }

  services(): ServiceEl[] {
    return servicesOf(this.targets);
  }

  methods(): MethodEl[] {
    return methodsOf(this.targets);
  }
}

/** A finding at a source location (1-based, end included as buf gives it), or at 1:1 of the file without one. */
export function findingAt(file: string, loc: SourceCodeInfo_Location | undefined, path: readonly number[] | undefined, rule: string, message: string): LintFinding {
  if (!loc) return { file, line: 1, column: 1, endLine: 1, endColumn: 1, rule, message };
  const [line, column, a, b] = loc.span as [number, number, number, number?];
  const [endLine, endColumn] = b === undefined ? [line, a] : [a, b];
  return { file, line: line + 1, column: column + 1, endLine: endLine + 1, endColumn: endColumn + 1, rule, message, path: [...path!] };
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
