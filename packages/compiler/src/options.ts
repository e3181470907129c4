import { FieldType } from "@tsgrpc/protobuf";
import { BinaryWriter, WireType, addUnknown, writeField } from "@tsgrpc/protobuf/codegen-support";
import type { DescriptorProto, FieldInfo, FileDescriptorProto, MessageInfo, OptionsMessage, Registry } from "@tsgrpc/protobuf";
import { canonicalizeFeatureExtensions } from "./feature-extensions.js";
import type { LinkContext } from "./linker.js";
import { PendingOptions, type HasPendingOptions, type UninterpretedOption } from "./parsed-options.js";
import { bytesToString } from "./string-literal.js";
import { parseTextFormat } from "./text-format.js";

interface Element {
  holder: HasPendingOptions & { options?: OptionsMessage };
  optionsType: string;
  /** The name option names are resolved relative to (protoc searches from its enclosing scope outwards). */
  scope: string;
  /** Source path of the element's `options` field. */
  path: number[];
}

/** Every element of a file that can carry options, with what its options are. */
function elementsOf(file: FileDescriptorProto): Element[] {
  const pkg = file.package ?? "";
  const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
  const out: Element[] = [];
  const field = (f: DescriptorProto["field"][number], scope: string, path: number[]) =>
    out.push({ holder: f, optionsType: "FieldOptions", scope: join(scope, f.name!), path: [...path, 8] });
  const enums = (e: FileDescriptorProto["enumType"][number], scope: string, path: number[]) => {
    out.push({ holder: e, optionsType: "EnumOptions", scope: join(scope, e.name!), path: [...path, 3] });
    e.value.forEach((v, i) => out.push({ holder: v, optionsType: "EnumValueOptions", scope: join(scope, v.name!), path: [...path, 2, i, 3] }));
  };
  const message = (m: DescriptorProto, scope: string, path: number[]) => {
    const full = join(scope, m.name!);
    out.push({ holder: m, optionsType: "MessageOptions", scope: full, path: [...path, 7] });
    m.field.forEach((f, i) => field(f, full, [...path, 2, i]));
    m.oneofDecl.forEach((o, i) => out.push({ holder: o, optionsType: "OneofOptions", scope: join(full, o.name!), path: [...path, 8, i, 2] }));
    m.extensionRange.forEach((r, i) => out.push({ holder: r, optionsType: "ExtensionRangeOptions", scope: full, path: [...path, 5, i, 3] }));
    m.nestedType.forEach((n, i) => message(n, full, [...path, 3, i]));
    m.enumType.forEach((e, i) => enums(e, full, [...path, 4, i]));
    m.extension.forEach((x, i) => field(x, full, [...path, 6, i]));
  };
  file.messageType.forEach((m, i) => message(m, pkg, [4, i]));
  file.enumType.forEach((e, i) => enums(e, pkg, [5, i]));
  file.extension.forEach((x, i) => field(x, pkg, [7, i]));
  file.service.forEach((s, i) => {
    const full = join(pkg, s.name!);
    out.push({ holder: s, optionsType: "ServiceOptions", scope: full, path: [6, i, 3] });
    s.method.forEach((m, j) => out.push({ holder: m, optionsType: "MethodOptions", scope: join(full, m.name!), path: [6, i, 2, j, 4] }));
  });
  // Last, as in protoc: file options may hold aggregates whose encoding depends on the message options above.
  out.push({ holder: file, optionsType: "FileOptions", scope: join(pkg, "dummy"), path: [8] });
  return out;
}

/** A problem with an option; `atValue` says it is about the value (reported where the value is written). */
class OptionError extends Error {
  constructor(message: string, readonly atValue = false) {
    super(message);
  }
}

const valueError = (message: string) => new OptionError(message, true);

/**
 * Interprets every option of a linked file (protoc's OptionInterpreter): resolves option names, including custom
 * options (extensions of the descriptor.proto options messages), converts values to the option's type, and stores
 * them in the element's options message: known fields as properties, extensions as encoded unknown fields. Then
 * rewrites the source code info paths of the options to the paths of the fields they set.
 */
export function interpretOptions(ctx: LinkContext, builtin: Registry, pool: Registry): void {
  const interpreted = new Map<string, number[]>();
  const repeatedCounts = new Map<string, number>();
  for (const el of elementsOf(ctx.file)) {
    const pending = el.holder[PendingOptions];
    if (!pending?.length) continue;
    const type = builtin.getMessage(`google.protobuf.${el.optionsType}`)!;
    const options: OptionsMessage = el.holder.options ?? {};
    const setKeys = new Set<string>();
    for (const option of pending) {
      try {
        const dest = interpretOne(ctx, pool, type, el, option, options, setKeys);
        if (dest.repeated) {
          const key = dest.path.join(",");
          const n = repeatedCounts.get(key) ?? 0;
          repeatedCounts.set(key, n + 1);
          dest.path.push(n);
        }
        // Options copied from a map field to its entry's fields have no location of their own.
        if (option.path.length > 0) interpreted.set(option.path.join(","), dest.path);
      } catch (e) {
        if (!(e instanceof OptionError)) throw e;
        const at = e.atValue ? { line: option.valueLine, column: option.valueColumn } : { line: option.line, column: option.column };
        ctx.diagnostics.push({ file: ctx.file.name!, ...at, message: e.message });
      }
    }
    const features = options["features"] as OptionsMessage | undefined;
    if (features) canonicalizeFeatureExtensions(features, pool);
    el.holder.options = options;
    delete el.holder[PendingOptions];
  }
  rewriteSourcePaths(ctx.file, interpreted);
}

function optionName(option: UninterpretedOption, upTo = option.name.length): string {
  return option.name.slice(0, upTo).map((p) => (p.isExtension ? `(${p.part})` : p.part)).join(".");
}

function interpretOne(ctx: LinkContext, pool: Registry, type: MessageInfo, el: Element, option: UninterpretedOption, options: OptionsMessage, setKeys: Set<string>): { path: number[]; repeated: boolean } {
  if (option.name[0]!.part === "uninterpreted_option" && !option.name[0]!.isExtension) {
    throw new OptionError('Option must not use reserved name "uninterpreted_option".');
  }
  const path = [...el.path];
  const chain: FieldInfo[] = [];
  let leafName = "";
  let current = type;
  for (let i = 0; i < option.name.length; i++) {
    const part = option.name[i]!;
    let field: FieldInfo | undefined;
    if (part.isExtension) {
      const found = ctx.table.resolve(part.part, el.scope, false);
      if (found && "fullName" in found && found.entry.isExtension) {
        field = pool.extensions.get(found.fullName);
        leafName = found.fullName;
      }
      else if (found && "undefinedIn" in found) {
        throw new OptionError(`Option "${optionName(option, i + 1)}" is resolved to "(${found.undefinedIn})", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., "(.${part.part})") to start from the outermost scope.`);
      }
      if (field && field.extendee !== current.typeName) {
        throw new OptionError(`Option field "${optionName(option, i + 1)}" is not a field or extension of message "${current.proto.name}".`);
      }
    } else {
      field = current.fields.find((f) => f.name === part.part);
      leafName = `${current.typeName}.${part.part}`;
    }
    if (!field) throw new OptionError(`Option "${optionName(option, i + 1)}" unknown. Ensure that your proto definition file imports the proto which defines the option.`);
    path.push(field.no);
    chain.push(field);
    if (i < option.name.length - 1) {
      if (field.type !== FieldType.MESSAGE && field.type !== FieldType.GROUP) throw new OptionError(`Option "${optionName(option, i + 1)}" is an atomic type, not a message.`);
      if (field.repeated) throw new OptionError(`Option field "${optionName(option, i + 1)}" is a repeated message. Repeated message options must be initialized using an aggregate value.`);
      current = field.message!;
    }
  }
  const leaf = chain[chain.length - 1]!;
  const key = chain.map((f) => f.no).join(".");
  if (!leaf.repeated) {
    if (setKeys.has(key)) throw new OptionError(`Option "${optionName(option)}" was already set.`);
    setKeys.add(key);
  }
  const value = optionValue(ctx, pool, leaf, option, leafName);
  // Fields of descriptor.proto itself (`features.field_presence`) are set as properties, so that what reads the
  // descriptor (feature resolution, the runtime) sees them; from the first extension on, the rest is encoded.
  let target: OptionsMessage = options;
  let i = 0;
  for (; i < chain.length - 1 && chain[i]!.extendee === undefined; i++) {
    target = (target[chain[i]!.localName] ??= {}) as OptionsMessage;
  }
  if (i === chain.length - 1 && leaf.extendee === undefined) {
    if (leaf.repeated) ((target[leaf.localName] ??= []) as unknown[]).push(value);
    else target[leaf.localName] = value;
  } else {
    addUnknown(target, encodeChain(chain.slice(i), value));
  }
  return { path, repeated: leaf.repeated };
}

/** The option as wire bytes: the leaf field, wrapped in each intermediate message field. */
function encodeChain(chain: FieldInfo[], value: unknown): Uint8Array {
  let w = new BinaryWriter(32);
  writeField(chain[chain.length - 1]!, value, w);
  for (let i = chain.length - 2; i >= 0; i--) {
    const inner = w.finish();
    const f = chain[i]!;
    w = new BinaryWriter(inner.length + 16);
    if (f.type === FieldType.GROUP) {
      w.tag(f.no, WireType.StartGroup).raw(inner).tag(f.no, WireType.EndGroup);
    } else w.tag(f.no, WireType.LengthDelimited).bytes(inner);
  }
  return w.finish();
}

const INT32_MIN = -0x80000000n;
const INT32_MAX = 0x7fffffffn;
const INT64_MIN = -0x8000000000000000n;
const INT64_MAX = 0x7fffffffffffffffn;

/** Converts an option's written value to a value of the option field's type, with protoc's messages for misfits. */
function optionValue(ctx: LinkContext, pool: Registry, f: FieldInfo, o: UninterpretedOption, name: string): unknown {
  const int = (min: bigint, max: bigint, typeName: string): bigint => {
    const v = o.positive ?? o.negative;
    if (v === undefined) throw valueError(`Value must be ${min === 0n ? "non-negative " : ""}integer for ${typeName} option "${name}".`);
    if (v < min || v > max) throw new OptionError(min === 0n && v < 0n ? `Value must be non-negative integer for ${typeName} option "${name}".` : `Value out of range for ${typeName} option "${name}".`);
    return v;
  };
  switch (f.type) {
    case FieldType.INT32: case FieldType.SINT32: case FieldType.SFIXED32:
      return Number(int(INT32_MIN, INT32_MAX, "int32"));
    case FieldType.INT64: case FieldType.SINT64: case FieldType.SFIXED64:
      return int(INT64_MIN, INT64_MAX, "int64");
    case FieldType.UINT32: case FieldType.FIXED32:
      return Number(int(0n, 0xffffffffn, "uint32"));
    case FieldType.UINT64: case FieldType.FIXED64:
      return int(0n, 0xffffffffffffffffn, "uint64");
    case FieldType.FLOAT: case FieldType.DOUBLE: {
      if (o.double !== undefined) return o.double;
      if (o.positive !== undefined) return Number(o.positive);
      if (o.negative !== undefined) return Number(o.negative);
      if (o.identifier === "inf") return Infinity;
      if (o.identifier === "nan") return NaN;
      throw valueError(`Value must be number for ${f.type === FieldType.FLOAT ? "float" : "double"} option "${name}".`);
    }
    case FieldType.BOOL:
      if (o.identifier === "true") return true;
      if (o.identifier === "false") return false;
      throw valueError(`Value must be "true" or "false" for boolean option "${name}".`);
    case FieldType.ENUM: {
      if (o.identifier === undefined) throw valueError(`Value must be identifier for enum-valued option "${name}".`);
      const n = f.enum!.byName.get(o.identifier);
      if (n === undefined) throw valueError(`Enum type "${f.enum!.typeName}" has no value named "${o.identifier}" for option "${name}".`);
      return n;
    }
    case FieldType.STRING:
      if (o.string === undefined) throw valueError(`Value must be quoted string for string option "${name}".`);
      return bytesToString(o.string);
    case FieldType.BYTES:
      if (o.string === undefined) throw valueError(`Value must be quoted string for string option "${name}".`);
      return o.string;
    default: {
      if (o.aggregate === undefined) {
        throw valueError(`Option "${name}" is a message. To set the entire message, use syntax like "${name} = { <proto text format> }". To set fields within it, use syntax like "${name}.foo = value".`);
      }
      try {
        return parseTextFormat(o.aggregate, f.message!, (extName, extendee) => {
          const found = ctx.table.resolve(extName, extendee.typeName, false);
          const x = found && "fullName" in found ? pool.extensions.get(found.fullName) : undefined;
          return x && x.extendee === extendee.typeName ? x : undefined;
        }, (name) => pool.getMessage(name));
      } catch (e) {
        throw valueError((e as Error).message);
      }
    }
  }
}

/** protoc's UpdateSourceCodeInfo: an interpreted option's location takes the path of the field it set; the
 * locations inside it (name parts, value) are dropped. */
function rewriteSourcePaths(file: FileDescriptorProto, interpreted: Map<string, number[]>): void {
  const info = file.sourceCodeInfo;
  if (!info || interpreted.size === 0) return;
  const out: typeof info.location = [];
  let dropPrefix: number[] | undefined;
  for (const loc of info.location) {
    if (dropPrefix && loc.path.length > dropPrefix.length && dropPrefix.every((n, i) => loc.path[i] === n)) continue;
    dropPrefix = undefined;
    const dest = interpreted.get(loc.path.join(","));
    if (dest) {
      dropPrefix = loc.path;
      out.push({ ...loc, path: [...dest] });
    } else out.push(loc);
  }
  info.location = out;
}

