/** How `generateFile` writes a module. */
export interface GenerateOptions {
  /**
   * `"enum"` (default): TypeScript enums. `"const"`: each enum as a `const` object and a union type of its values, the
   * erasable form that Node's type stripping and `erasableSyntaxOnly` accept.
   */
  enumStyle?: "enum" | "const";
  /** The extension of relative imports between generated modules: `".js"` (default, for `tsc`'s nodenext), `".ts"`
   * (Node's type stripping, `allowImportingTsExtensions`), or `""` (bundlers). */
  importExtension?: ".js" | ".ts" | "";
  /**
   * Where a .proto file's generated module is found when it is not generated alongside: file name -> module specifier.
   * By default the well-known types come from `@tsgrpc/protobuf/wkt` and google.rpc's status, error details and codes
   * from `@tsgrpc/grpc/rpc`; an entry here adds to (or overrides) those, and a `null` entry says the file's module is
   * generated alongside (imported by relative path) although a runtime package carries one.
   */
  modules?: Record<string, string | null>;
  /** The module generated code imports its support from (default `@tsgrpc/protobuf/codegen-support`). */
  runtimeModule?: string;
}

/** The .proto files whose generated code the runtime packages carry, and the module that exports it. */
export const RUNTIME_MODULES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ["any", "api", "descriptor", "duration", "empty", "field_mask", "source_context", "struct", "timestamp", "type", "wrappers"].map((n) => [`google/protobuf/${n}.proto`, "@tsgrpc/protobuf/wkt"]),
  ),
  ...Object.fromEntries(["status", "error_details", "code"].map((n) => [`google/rpc/${n}.proto`, "@tsgrpc/grpc/rpc"])),
};

/** The module that carries a file's code when it is not generated alongside (`options.modules`, then the runtime
 * packages'); undefined for a file generated alongside. */
export function providedModule(fileName: string, options: GenerateOptions = {}): string | undefined {
  const mapped = options.modules?.[fileName];
  return mapped === null ? undefined : (mapped ?? RUNTIME_MODULES[fileName]);
}

/** Whether `tsgrpc gen` should leave this file to the module that carries it instead of writing one. */
export function isProvided(fileName: string, options: GenerateOptions = {}): boolean {
  return providedModule(fileName, options) !== undefined;
}
