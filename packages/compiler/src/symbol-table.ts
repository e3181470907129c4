import type { FileDescriptorProto } from "@tsgrpc/protobuf";

export type SymbolKind = "package" | "message" | "enum" | "enumValue" | "service" | "method" | "field" | "oneof";

export interface SymbolEntry {
  kind: SymbolKind;
  file: FileDescriptorProto;
  /** The descriptor proto of the element (undefined for packages). */
  proto?: object;
  /** For an extension field: the extendee's full name, once resolved. */
  isExtension?: boolean;
}

const TYPES = new Set<SymbolKind>(["message", "enum"]);
const AGGREGATES = new Set<SymbolKind>(["message", "enum", "package", "service"]);

/** Every name a set of files defines, by full name (no leading dot), with protoc's scoping rules for lookups. */
export class SymbolTable {
  private readonly symbols = new Map<string, SymbolEntry>();
  /** Told of every symbol a name resolves to (what lint's IMPORT_USED needs: which imports a file really uses). */
  onResolve: ((entry: SymbolEntry) => void) | undefined;

  get(fullName: string): SymbolEntry | undefined {
    return this.symbols.get(fullName);
  }

  /** Adds a symbol; returns the entry already there when the name is taken. */
  add(fullName: string, entry: SymbolEntry): SymbolEntry | undefined {
    const existing = this.symbols.get(fullName);
    if (existing) {
      // Several files may declare the same package.
      if (existing.kind === "package" && entry.kind === "package") return undefined;
      return existing;
    }
    this.symbols.set(fullName, entry);
    return undefined;
  }

  /**
   * Resolves `name` as written inside scope `relativeTo` (the full name of the element using it): a leading dot means
   * fully qualified; otherwise the innermost enclosing scope that defines the first component wins. With `typesOnly`,
   * a first component that names something other than a type is skipped, as protoc does for field types.
   * Returns the full name found, or, when the first component resolved but the rest did not, `{ undefinedIn }`.
   */
  resolve(name: string, relativeTo: string, typesOnly: boolean): { fullName: string; entry: SymbolEntry } | { undefinedIn: string } | undefined {
    const found = this.lookup(name, relativeTo, typesOnly);
    if (found && "entry" in found && found.entry.kind !== "package") this.onResolve?.(found.entry);
    return found;
  }

  private lookup(name: string, relativeTo: string, typesOnly: boolean): { fullName: string; entry: SymbolEntry } | { undefinedIn: string } | undefined {
    if (name.startsWith(".")) {
      const entry = this.symbols.get(name.slice(1));
      return entry ? { fullName: name.slice(1), entry } : undefined;
    }
    const dot = name.indexOf(".");
    const firstPart = dot < 0 ? name : name.slice(0, dot);
    let scope = relativeTo;
    for (;;) {
      const cut = scope.lastIndexOf(".");
      if (cut < 0) {
        const entry = this.symbols.get(name);
        return entry ? { fullName: name, entry } : undefined;
      }
      scope = scope.slice(0, cut);
      const candidate = scope ? `${scope}.${firstPart}` : firstPart;
      const found = this.symbols.get(candidate);
      if (found) {
        if (dot < 0) {
          if (!typesOnly || TYPES.has(found.kind)) return { fullName: candidate, entry: found };
        } else if (AGGREGATES.has(found.kind)) {
          const full = candidate + name.slice(dot);
          const entry = this.symbols.get(full);
          return entry ? { fullName: full, entry } : { undefinedIn: full };
        }
      }
    }
  }
}
