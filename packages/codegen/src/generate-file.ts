import { base64Encode, messageType } from "@tsgrpc/protobuf/codegen-support";
import type { EnumInfo, FileDescriptorProto, FieldInfo, MessageInfo, Registry, ServiceInfo } from "@tsgrpc/protobuf";
import { CodeWriter } from "./code-writer.js";
import { Comments } from "./comments.js";
import { declaredServices, declaredTypes, exportedTypes } from "./file-types.js";
import { generateEnum } from "./generate-enum.js";
import { generateMessage } from "./generate-message.js";
import { generateService } from "./generate-service.js";
import { providedModule, type GenerateOptions } from "./options.js";
import { ExportNames, generatedFileName, relativeImport } from "./ts-names.js";

export interface GeneratedFile {
  /** Path of the generated module, relative to the output folder: `a/b_pb.ts`. */
  name: string;
  content: string;
}

/** What `writeFileBody` leaves to write: the module's head (its imports, known only once the body is written). */
export interface GeneratedHead {
  /** Path of the generated module, relative to the output folder: `a/b_pb.ts`. */
  name: string;
  /** The text that goes before the body. */
  head: string;
}

const RUNTIME = "@tsgrpc/protobuf/codegen-support";
/** What generated code may take from the runtime; each is imported as `$name`, a name no .proto can declare. */
const RUNTIME_VALUES = ["DecodeError", "addUnknown", "defineFile", "messageType", "setOwn", "skipField", "writeUnknown", "BinaryWriter"];
const RUNTIME_TYPES = ["BinaryReader", "Message", "MessageInit", "MessageType", "ServiceDefinition"];

/** The modules a generated file imports other files' code from: one namespace import (`$0`, `$1`...) per module. */
class Imports {
  private readonly aliases = new Map<string, string>();
  private readonly names = new Map<string, ExportNames>();

  constructor(private readonly file: FileDescriptorProto, private readonly registry: Registry, private readonly options: GenerateOptions) {}

  /** The module that holds a file's generated code, as this file imports it. */
  private moduleOf(fileName: string): string {
    return providedModule(fileName, this.options) ?? relativeImport(this.file.name!, fileName, this.options.importExtension ?? ".js");
  }

  /** The export names of another file's module. */
  namesOf(file: FileDescriptorProto): ExportNames {
    let names = this.names.get(file.name!);
    if (!names) this.names.set(file.name!, (names = new ExportNames(file, exportedTypes(file, this.registry))));
    return names;
  }

  /** `$n.` for the module holding `fileName`'s code, importing it on first use. */
  qualifier(fileName: string): string {
    const module = this.moduleOf(fileName);
    let alias = this.aliases.get(module);
    if (!alias) this.aliases.set(module, (alias = `$${this.aliases.size}`));
    return `${alias}.`;
  }

  write(out: CodeWriter): void {
    for (const [module, alias] of this.aliases) out.line(`import * as ${alias} from ${JSON.stringify(module)};`);
  }
}

/**
 * The TypeScript module for one .proto file: enums, message interfaces and MessageTypes, ServiceDefinitions, and the
 * file's serialized descriptor (for reflection and JSON). `registry` must hold the file and everything it imports.
 */
export function generateFile(file: FileDescriptorProto, registry: Registry, descriptorSchema: Registry, options: GenerateOptions = {}): GeneratedFile {
  const body: string[] = [];
  const { name, head } = writeFileBody(file, registry, descriptorSchema, options, (chunk) => body.push(chunk));
  return { name, content: head + body.join("") };
}

/**
 * `generateFile` for modules too large to hold whole: the body goes to `write` in chunks of whole lines as it is
 * generated; the head, which must come before it, is returned at the end.
 */
export function writeFileBody(file: FileDescriptorProto, registry: Registry, descriptorSchema: Registry, options: GenerateOptions, write: (chunk: string) => void): GeneratedHead {
  // Which runtime names the body uses, noted chunk by chunk (a chunk holds whole lines, so a name is never cut).
  const runtimeNames = [...RUNTIME_VALUES, ...RUNTIME_TYPES].map((n) => ({ n, pattern: new RegExp(`\\$${n}\\b`) }));
  const used = new Set<string>();
  const out = new CodeWriter((chunk) => {
    for (const { n, pattern } of runtimeNames) if (!used.has(n) && pattern.test(chunk)) used.add(n);
    write(chunk);
  });
  const comments = new Comments(file);
  const imports = new Imports(file, registry, options);
  const own = imports.namesOf(file);
  const ref = (info: MessageInfo | EnumInfo | ServiceInfo): string => {
    if (info.file === file || info.file.name === file.name) return own.of(info);
    return imports.qualifier(info.file.name!) + imports.namesOf(info.file).of(info);
  };
  const typeRef = (f: FieldInfo) => ref(f.message ?? f.enum!);
  const fileDeprecated = file.options?.["deprecated"] === true;

  const bytes = messageType(descriptorSchema.getMessage("google.protobuf.FileDescriptorProto")!).encode({ ...file, sourceCodeInfo: undefined });
  const deps = file.dependency.map((d) => {
    const dep = registry.getFile(d);
    if (!dep) throw new Error(`${file.name}: its import ${d} is not in the registry`);
    return imports.qualifier(d) + imports.namesOf(dep).file;
  });
  out.line(`/** The descriptor of ${file.name}, for reflection and the JSON mapping. */`);
  out.line(`export const ${own.file} = $defineFile(${JSON.stringify(base64Encode(bytes))}, [${deps.join(", ")}]);`);
  out.line();

  for (const { info, path } of declaredTypes(file, registry)) {
    if (info.kind === "enum") generateEnum(out, info, own.of(info), comments, path, options, fileDeprecated);
    else generateMessage(out, info, own.of(info), own.file, typeRef, comments, path, fileDeprecated);
  }
  declaredServices(file, registry).forEach((s, i) => generateService(out, s, own.of(s), own.file, ref, comments, [6, i], fileDeprecated));

  out.flush();
  const head = new CodeWriter();
  head.line(`// Generated by tsgrpc from ${file.name}. Do not edit: change the .proto and run \`tsgrpc gen\` again.`);
  head.line();
  const imported = (names: string[]) => names.filter((n) => used.has(n)).map((n) => `${n} as $${n}`);
  const runtime = options.runtimeModule ?? RUNTIME;
  head.line(`import { ${imported(RUNTIME_VALUES).join(", ")} } from ${JSON.stringify(runtime)};`);
  const types = imported(RUNTIME_TYPES);
  if (types.length) head.line(`import type { ${types.join(", ")} } from ${JSON.stringify(runtime)};`);
  imports.write(head);
  head.line();
  return { name: generatedFileName(file.name!), head: head.toString() };
}
