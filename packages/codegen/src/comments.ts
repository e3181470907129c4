import type { FileDescriptorProto } from "@tsgrpc/protobuf";
import type { CodeWriter } from "./code-writer.js";

interface Located {
  leading?: string;
  trailing?: string;
  detached: string[];
}

/** What a doc comment says besides the .proto's comments. */
export interface DocTags {
  /** `@generated from ...`: where the declaration comes from. */
  generatedFrom?: string;
  deprecated?: boolean;
}

/** A file's comments from its source code info, by source path, written as doc comments in generated code. */
export class Comments {
  private readonly byPath = new Map<string, Located>();

  constructor(file: FileDescriptorProto) {
    for (const loc of file.sourceCodeInfo?.location ?? []) {
      if (loc.leadingComments === undefined && loc.trailingComments === undefined && loc.leadingDetachedComments.length === 0) continue;
      this.byPath.set(loc.path.join(","), { leading: loc.leadingComments, trailing: loc.trailingComments, detached: loc.leadingDetachedComments });
    }
  }

  /**
   * Writes the element's comments: detached comments (separated from it by a blank line in the .proto) as `//` lines,
   * then one JSDoc block with the leading comment, the trailing one, and the tags.
   */
  write(out: CodeWriter, path: number[], tags: DocTags = {}): void {
    const found = this.byPath.get(path.join(","));
    for (const block of found?.detached ?? []) {
      for (const l of lines(block)) out.line(l ? `// ${l}` : "//");
      out.line();
    }
    const doc: string[] = [];
    if (found?.leading) doc.push(...lines(found.leading));
    if (found?.trailing) {
      if (doc.length) doc.push("");
      doc.push(...lines(found.trailing));
    }
    if (tags.generatedFrom) {
      if (doc.length) doc.push("");
      doc.push(`@generated from ${tags.generatedFrom}`);
    }
    if (tags.deprecated) doc.push("@deprecated");
    if (doc.length === 0) return;
    out.line("/**");
    for (const l of doc) out.line(l ? ` * ${l}` : " *");
    out.line(" */");
  }
}

/**
 * A comment's lines without the single space protoc keeps after `//`. Split at every line terminator JavaScript knows
 * (a lone CR, U+2028 and U+2029 end a `//` comment too: left inside a line, they would turn the rest of it into code),
 * and with `*​/` escaped so that it cannot end the JSDoc early.
 */
function lines(text: string): string[] {
  return text.replace(/\n$/, "").split(/\r\n|[\r\n\u2028\u2029]/).map((l) => l.replace(/^ /, "").replace(/\*\//g, "*\\/").trimEnd());
}
