import type { FileDescriptorProto } from "@tsgrpc/protobuf";
import { Edition } from "@tsgrpc/protobuf/codegen-support";
import { F } from "./constants.js";
import { RangeParser } from "./range-parser.js";
import { Loc } from "./source-location.js";

/**
 * `import` statements: plain, `public`, `weak`, and edition 2024's `import option` (a file imported for its custom
 * options only, kept apart in option_dependency), with protoc's checks of which edition allows which.
 */
export abstract class ImportParser extends RangeParser {
  private get from2024(): boolean {
    return this.syntax === "editions" && this.edition >= Edition.EDITION_2024;
  }

  protected parseImport(file: FileDescriptorProto, root: Loc): boolean {
    const start = this.input.current;
    if (!this.consume("import")) return false;
    if (this.lookingAt("option")) {
      if (!this.from2024) this.error("option import is not supported before edition 2024.");
      const loc = new Loc(this, root, [F.file.optionDependency, file.optionDependency.length]);
      loc.startAt(start);
      return this.withLoc(loc, () => {
        if (!this.consume("option")) return false;
        const name = this.consumeString("Expected a string naming the file to import.");
        if (name === undefined) return false;
        file.optionDependency.push(name);
        return this.consumeEndOfDeclaration(";", loc);
      });
    }
    const loc = new Loc(this, root, [F.file.dependency, file.dependency.length]);
    loc.startAt(start);
    return this.withLoc(loc, () => {
      if (file.optionDependency.length > 0) this.error("imports should precede any option imports to ensure proto files can roundtrip.");
      if (this.lookingAt("public")) {
        const l = new Loc(this, root, [F.file.publicDependency, file.publicDependency.length]);
        this.withLoc(l, () => this.consume("public"));
        file.publicDependency.push(file.dependency.length);
      } else if (this.lookingAt("weak")) {
        if (this.from2024) this.error("weak import is not supported in edition 2024 and above. Consider using option import instead.");
        const l = new Loc(this, root, [F.file.weakDependency, file.weakDependency.length]);
        this.withLoc(l, () => this.consume("weak"));
        file.weakDependency.push(file.dependency.length);
      }
      const name = this.consumeString("Expected a string naming the file to import.");
      if (name === undefined) return false;
      file.dependency.push(name);
      return this.consumeEndOfDeclaration(";", loc);
    });
  }
}
