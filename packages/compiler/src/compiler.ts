import { getDescriptorRegistry, Registry, type ResolvedFeatures } from "@tsgrpc/protobuf/codegen-support";
import type { FileDescriptorProto } from "@tsgrpc/protobuf";
import { CompileError, type Diagnostic } from "./diagnostics.js";
import { addFileSymbols, linkFile, type LinkContext } from "./linker.js";
import { interpretOptions } from "./options.js";
import { validateFeatures } from "./features.js";
import { checkNamingStyle } from "./naming-style.js";
import { checkStrictVisibility } from "./visibility.js";
import { newFile, Parser } from "./parser.js";
import { SourceTree } from "./source-tree.js";
import { SymbolTable } from "./symbol-table.js";

const DESCRIPTOR_PROTO = "google/protobuf/descriptor.proto";

export interface CompileOptions {
  /** Directories imports are resolved against, in order (protoc's -I). */
  includePaths?: string[];
}

/**
 * Compiles .proto files to linked FileDescriptorProtos, protoc's way: imports resolved through the include paths,
 * names resolved by protobuf's scoping rules, options interpreted, source code info kept.
 */
export class Compiler {
  private readonly tree: SourceTree;
  /** Linked files by import name, in the order they were finished (dependencies first). */
  readonly files = new Map<string, FileDescriptorProto>();
  private readonly failed = new Set<string>();
  private readonly table = new SymbolTable();
  readonly diagnostics: Diagnostic[] = [];
  /**
   * For each compiled file, the indexes of its non-public imports none of whose symbols (nor those they re-export
   * with `import public`) it uses, in types, extendees, method types or option names: protoc's "is unused" warning,
   * and buf's IMPORT_USED.
   */
  readonly unusedDependencies = new Map<string, number[]>();

  /** What each element of the compiled files resolves its features to (see `features`). */
  private readonly resolvedFeatures = new WeakMap<object, ResolvedFeatures>();

  constructor(options: CompileOptions = {}) {
    this.tree = new SourceTree(options.includePaths ?? []);
  }

  /** The import name for a command-line argument, or undefined when it is under no include path. */
  virtualName(arg: string): string | undefined {
    return this.tree.virtualName(arg);
  }

  /**
   * The features an element of a compiled file (the file itself, a message, field, oneof, enum, enum value, service or
   * method descriptor it returned) resolves to: descriptor.proto's by their local names (`fieldPresence`), and each
   * feature extension the file imports under its full name (`pb.cpp`: `{ stringType, ... }`), from its edition's
   * defaults down through the elements that set them. Undefined for what this compiler did not compile.
   */
  features(element: object): ResolvedFeatures | undefined {
    return this.resolvedFeatures.get(element);
  }

  /** Compiles the named files and everything they import; throws a CompileError listing every problem. */
  compile(names: string[]): FileDescriptorProto[] {
    const out = names.map((n) => this.load(n, []));
    const errors = this.diagnostics.filter((d) => !d.warning);
    if (errors.length || out.some((f) => !f)) throw new CompileError(errors.length ? errors : [{ file: names[0]!, line: -1, column: 0, message: "File not found." }]);
    return out as FileDescriptorProto[];
  }

  /**
   * Every file `files` depend on (through imports and `import option`), and they themselves, dependencies first (the
   * order of --include_imports).
   */
  withImports(files: FileDescriptorProto[]): FileDescriptorProto[] {
    const seen = new Set<string>();
    const out: FileDescriptorProto[] = [];
    const visit = (f: FileDescriptorProto) => {
      if (seen.has(f.name!)) return;
      seen.add(f.name!);
      for (const d of [...f.dependency, ...f.optionDependency]) {
        const dep = this.files.get(d);
        if (dep) visit(dep);
      }
      out.push(f);
    };
    files.forEach(visit);
    return out;
  }

  /** The registry of descriptor.proto itself, which options are interpreted against (the runtime's own copy). */
  builtin(): Registry {
    return getDescriptorRegistry();
  }

  private load(name: string, stack: string[]): FileDescriptorProto | undefined {
    const done = this.files.get(name);
    if (done) return done;
    if (this.failed.has(name)) return undefined;
    if (stack.includes(name)) {
      this.diagnostics.push({ file: stack[stack.length - 1]!, line: -1, column: 0, message: `File recursively imports itself: ${[...stack.slice(stack.indexOf(name)), name].join(" -> ")}` });
      return undefined;
    }
    const source = this.tree.read(name);
    if (!source) {
      this.diagnostics.push({ file: name, line: -1, column: 0, message: "File not found." });
      this.failed.add(name);
      return undefined;
    }
    const file = newFile(name);
    const diagnostics: Diagnostic[] = [];
    const parsed = new Parser(name, source.text, diagnostics).parse(file);
    this.diagnostics.push(...diagnostics);
    // As protoc: a file with any error, the tokenizer's included, goes no further than parsing.
    if (!parsed || diagnostics.some((d) => !d.warning)) {
      this.failed.add(name);
      return undefined;
    }
    let depsOk = true;
    const loadDependency = (dep: string, path: number[]) => {
      if (!this.load(dep, [...stack, name])) {
        depsOk = false;
        const { line, column } = position(file, path);
        this.diagnostics.push({ file: name, line, column, message: `Import "${dep}" was not found or had errors.` });
      }
    };
    file.dependency.forEach((dep, i) => loadDependency(dep, [3, i]));
    file.optionDependency.forEach((dep, i) => loadDependency(dep, [15, i]));
    if (!depsOk) {
      this.failed.add(name);
      return undefined;
    }
    const before = this.diagnostics.length;
    const used = new Set<string>();
    this.table.onResolve = (entry) => used.add(entry.file.name!);
    addFileSymbols(this.table, file, (message, path) => this.diagnostics.push({ file: name, ...position(file, path), message }));
    const ctx: LinkContext = {
      file,
      table: this.table,
      visible: this.visibleFrom(file),
      diagnostics: this.diagnostics,
      position: (path) => position(file, path),
    };
    linkFile(ctx);
    if (this.diagnostics.length === before) {
      const builtin = name === DESCRIPTOR_PROTO ? Registry.from([file]) : this.builtin();
      // Options may use the extensions of `import option` files too, which types may not (they are not in `visible`).
      const imported = [...file.dependency, ...file.optionDependency].map((d) => this.files.get(d)!);
      const pool = Registry.from([...this.withImports(imported), file]);
      interpretOptions(ctx, builtin, pool);
      const features = this.diagnostics.length === before ? validateFeatures(ctx, builtin, pool) : undefined;
      if (features) {
        for (const [element, resolved] of features) this.resolvedFeatures.set(element, resolved);
        if (this.diagnostics.length === before) this.checkEdition2024Rules(file, features);
      }
    }
    this.table.onResolve = undefined;
    if (this.diagnostics.slice(before).some((d) => !d.warning)) {
      this.failed.add(name);
      return undefined;
    }
    this.unusedDependencies.set(name, this.unused(file, used));
    this.files.set(name, file);
    return file;
  }

  /** Naming style, then symbol visibility: protoc checks them once a file has no other error. */
  private checkEdition2024Rules(file: FileDescriptorProto, features: Map<object, ResolvedFeatures>): void {
    const before = this.diagnostics.length;
    const report = (path: number[] | undefined, message: string) => {
      const at = path ? position(file, path) : { line: -1, column: 0 };
      this.diagnostics.push({ file: file.name!, ...at, message });
    };
    checkNamingStyle(file, (element) => features.get(element), report);
    if (this.diagnostics.length === before) checkStrictVisibility(file, (message) => report(undefined, message));
  }

  /** The indexes of `file`'s plain imports that provide none of the `used` files, directly or through `import public`. */
  private unused(file: FileDescriptorProto, used: Set<string>): number[] {
    const out: number[] = [];
    file.dependency.forEach((dep, i) => {
      if (file.publicDependency.includes(i)) return;
      const provided = new Set<string>();
      const add = (n: string) => {
        if (provided.has(n)) return;
        provided.add(n);
        const f = this.files.get(n);
        if (f) for (const p of f.publicDependency) add(f.dependency[p]!);
      };
      add(dep);
      if (![...provided].some((n) => used.has(n))) out.push(i);
    });
    return out;
  }

  /** The file itself, its direct imports, and whatever those re-export through `import public`, transitively. */
  private visibleFrom(file: FileDescriptorProto): Set<string> {
    const visible = new Set<string>([file.name!]);
    const addPublic = (f: FileDescriptorProto) => {
      for (const i of f.publicDependency) {
        const dep = this.files.get(f.dependency[i]!);
        if (dep && !visible.has(dep.name!)) {
          visible.add(dep.name!);
          addPublic(dep);
        }
      }
    };
    for (const d of file.dependency) {
      const dep = this.files.get(d);
      if (!dep) continue;
      visible.add(d);
      addPublic(dep);
    }
    return visible;
  }
}

/** Where a source path starts, from the file's source code info (line -1 when it has none). */
function position(file: FileDescriptorProto, path: number[]): { line: number; column: number } {
  const key = path.join(",");
  const loc = file.sourceCodeInfo?.location.find((l) => l.path.join(",") === key);
  return loc ? { line: loc.span[0]!, column: loc.span[1]! } : { line: -1, column: 0 };
}
