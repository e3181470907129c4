import type { FileDescriptorProto } from "@tsgrpc/protobuf";
import type { CodeWriter } from "./code-writer.js";

/** Leading comments from a file's source code info, by source path, for doc comments in generated code. */
export class Comments {
  private readonly byPath = new Map<string, string>();

  constructor(file: FileDescriptorProto) {
    for (const loc of file.sourceCodeInfo?.location ?? []) {
      const text = loc.leadingComments ?? loc.trailingComments;
      if (text) this.byPath.set(loc.path.join(","), text);
    }
  }

  /** Writes the element's comment as a JSDoc block, if it has one. */
  write(out: CodeWriter, path: number[], extra?: string): void {
    const text = this.byPath.get(path.join(","));
    const lines = [...(text ? text.replace(/\n$/, "").split("\n").map((l) => l.replace(/^ /, "").replace(/\*\//g, "*\\/")) : []), ...(extra ? [extra] : [])];
    if (lines.length === 0) return;
    out.line("/**");
    for (const l of lines) out.line(l ? ` * ${l}` : " *");
    out.line(" */");
  }
}
