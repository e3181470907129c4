import type { SourceCodeInfo_Location } from "@tsgrpc/protobuf";
import type { Token } from "../tokenizer.js";
import type { TokenStream } from "./token-stream.js";

/** One source code info location under construction (protoc's LocationRecorder). */
export class Loc {
  readonly location: SourceCodeInfo_Location;
  constructor(private readonly parser: TokenStream, parent: Loc | undefined, path: number[], into?: SourceCodeInfo_Location[]) {
    const t = parser.input.current;
    this.location = { path: [...(parent?.location.path ?? []), ...path], span: [t.line, t.column], leadingDetachedComments: [] };
    (into ?? parser.locations).push(this.location);
  }
  addPath(n: number): void {
    this.location.path.push(n);
  }
  startAt(t: Token): void {
    this.location.span[0] = t.line;
    this.location.span[1] = t.column;
  }
  startAtLoc(other: Loc): void {
    this.location.span[0] = other.location.span[0]!;
    this.location.span[1] = other.location.span[1]!;
  }
  endAt(t: Token): void {
    if (t.line !== this.location.span[0]) this.location.span.push(t.line);
    this.location.span.push(t.endColumn);
  }
  /** What the C++ destructor does: end at the previous token unless already ended. */
  end(): void {
    if (this.location.span.length <= 2) this.endAt(this.parser.input.previous);
  }
  attachComments(leading: string, trailing: string, detached: string[]): void {
    if (leading) this.location.leadingComments = leading;
    if (trailing) this.location.trailingComments = trailing;
    this.location.leadingDetachedComments.push(...detached);
  }
}
