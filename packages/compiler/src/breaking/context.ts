/**
 * What a breaking rule sees: the current and previous schemas indexed by what buf pairs them on (file path, full name,
 * field number, extendee and number, method name), and where it reports: at the first of several source paths of the
 * current file that has a location (buf's "backup" locations), else at 1:1 of a file, else at 1:1 of no file.
 */
import type { FileDescriptorProto, SourceCodeInfo_Location } from "@tsgrpc/protobuf";
import { findingAt, Locations, type LintFinding } from "../lint/context.js";
import { enumsOf, fieldsOf, messagesOf, servicesOf, type ElementFile, type EnumEl, type FieldEl, type MessageEl, type ServiceEl } from "../lint/elements.js";

/** A compiled file given to breaking: its descriptor (with source code info when available). */
export interface BreakingFileInput {
  proto: FileDescriptorProto;
  /** An import of the files checked: compared too (as buf does), unless imports are excluded. */
  isImport?: boolean;
}

/** One side of the comparison, indexed. */
export class Schema {
  readonly files = new Map<string, ElementFile>();
  readonly messages = new Map<string, MessageEl>();
  readonly enums = new Map<string, EnumEl>();
  readonly services = new Map<string, ServiceEl>();
  /** Extensions by extendee (without the leading dot), then number. */
  readonly extensions = new Map<string, Map<number, FieldEl>>();
  /** The fields of each message (by full name), by number. */
  private readonly fieldsByMessage = new Map<string, Map<number, FieldEl>>();
  /** Extensions in declaration order, nested ones included. */
  readonly extensionList: FieldEl[] = [];

  constructor(readonly inputs: readonly ElementFile[]) {
    for (const f of inputs) this.files.set(f.proto.name!, f);
    for (const m of messagesOf(inputs)) this.messages.set(m.fullName, m);
    for (const e of enumsOf(inputs)) this.enums.set(e.fullName, e);
    for (const s of servicesOf(inputs)) this.services.set(s.fullName, s);
    for (const f of fieldsOf(inputs)) {
      if (f.proto.extendee !== undefined) {
        this.extensionList.push(f);
        const extendee = f.proto.extendee.replace(/^\./, "");
        const byNumber = this.extensions.get(extendee) ?? new Map<number, FieldEl>();
        byNumber.set(f.proto.number!, f);
        this.extensions.set(extendee, byNumber);
      } else {
        const byNumber = this.fieldsByMessage.get(f.parent!.fullName) ?? new Map<number, FieldEl>();
        if (!byNumber.has(f.proto.number!)) byNumber.set(f.proto.number!, f);
        this.fieldsByMessage.set(f.parent!.fullName, byNumber);
      }
    }
  }

  fieldsOf(message: MessageEl): Map<number, FieldEl> {
    return this.fieldsByMessage.get(message.fullName) ?? new Map();
  }

  /** The message or enum a field's type names (type names are fully qualified). */
  messageOf(field: FieldEl): MessageEl | undefined {
    return field.proto.typeName ? this.messages.get(field.proto.typeName.replace(/^\./, "")) : undefined;
  }
  enumOf(field: FieldEl): EnumEl | undefined {
    return field.proto.typeName ? this.enums.get(field.proto.typeName.replace(/^\./, "")) : undefined;
  }
}

/** The package of a file ("" without one). */
export const packageOf = (f: ElementFile) => f.proto.package ?? "";

/** A declaration's name without its file's package ("Outer.Inner"): what buf pairs declarations of a file on. */
export const nestedName = (fullName: string, file: ElementFile) => {
  const pkg = packageOf(file);
  return pkg ? fullName.slice(pkg.length + 1) : fullName;
};

/** A finding with the files buf checks its ignores against: where it is, and where the element was before. */
export interface RawFinding extends LintFinding {
  /** The current file it is reported in (undefined: the file is gone). */
  current: ElementFile | undefined;
  /** The previous file of the element (undefined for additions). */
  previous: ElementFile | undefined;
}

/** Where one rule reports. */
export class BreakingContext {
  constructor(
    readonly current: Schema,
    readonly previous: Schema,
    private readonly rule: string,
    private readonly out: RawFinding[],
    private readonly locations: (file: FileDescriptorProto) => Locations,
  ) {}

  /** The location of `path` in `file`, if its source info has one. */
  location(file: ElementFile, path: readonly number[] | undefined): SourceCodeInfo_Location | undefined {
    return path ? this.locations(file.proto).get(path) : undefined;
  }

  /**
   * The location of an option below `base` (an options path and the option's field, e.g. a field's `features`) and
   * `extra` (a feature): the exact path, else the deepest location that holds it (`features = { ... }` written as a
   * whole), else one inside it, as buf finds option locations.
   */
  optionPath(file: ElementFile, base: readonly number[], extra: readonly number[]): number[] | undefined {
    const path = [...base, ...extra];
    if (this.location(file, path)) return path;
    let best: number[] | undefined;
    for (const loc of file.proto.sourceCodeInfo?.location ?? []) {
      const p = loc.path;
      if (p.length >= base.length && p.length <= path.length && p.every((x, i) => x === path[i])) {
        if (!best || p.length > best.length) best = p;
      } else if (p.length >= path.length && path.every((x, i) => x === p[i])) return p;
    }
    return best;
  }

  /**
   * Reports in `file` at the first of `paths` that has a location there; without one, at 1:1 of `fallback` (buf's
   * file name of last resort, `file` unless given), or of no file when that is undefined (a file or package that is
   * gone). `previous`: the file the element was in, whose ignores apply too; buf knows it from the previous element's
   * location, so only when that side has source info, unless `byName` (deleted files and packages name it). `span`
   * may widen the location found (see `defaultSpan`).
   */
  report(file: ElementFile | undefined, paths: readonly (readonly number[] | undefined)[], previous: ElementFile | undefined, message: string, how: { fallback?: ElementFile; byName?: boolean; span?: (loc: SourceCodeInfo_Location, path: readonly number[]) => SourceCodeInfo_Location } = {}): void {
    let finding: LintFinding;
    const path = file && paths.find((p) => p && this.location(file, p));
    if (file && path) {
      const loc = this.location(file, path)!;
      finding = findingAt(file.proto.name!, how.span ? how.span(loc, path) : loc, path, this.rule, message);
    }
    else finding = findingAt((how.fallback ?? file)?.proto.name ?? "", undefined, undefined, this.rule, message);
    const against = previous && (how.byName || (previous.proto.sourceCodeInfo?.location.length ?? 0) > 0) ? previous : undefined;
    this.out.push({ ...finding, current: file, previous: against });
  }
}

/** Pairs of what both sides have under the same key: [current, previous], in the previous side's order. */
export function pairs<K, V>(current: ReadonlyMap<K, V>, previous: ReadonlyMap<K, V>): [V, V][] {
  const out: [V, V][] = [];
  for (const [k, p] of previous) {
    const c = current.get(k);
    if (c !== undefined) out.push([c, p]);
  }
  return out;
}

/** What the previous side has and the current one lacks, with its key. */
export function missing<K, V>(current: ReadonlyMap<K, unknown>, previous: ReadonlyMap<K, V>): [K, V][] {
  return [...previous].filter(([k]) => !current.has(k));
}
