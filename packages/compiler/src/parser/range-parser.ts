import type { DescriptorProto, EnumDescriptorProto, SourceCodeInfo_Location } from "@tsgrpc/protobuf";
import { pendingOptions } from "../parsed-options.js";
import { TokenType } from "../tokenizer.js";
import { F, MAX_RANGE_SENTINEL } from "./constants.js";
import { FieldParser } from "./field-parser.js";
import { Loc } from "./source-location.js";

/** Number ranges: `extensions` (with their options) and `reserved` numbers and names, of messages and enums. */
export abstract class RangeParser extends FieldParser {
  protected parseExtensions(message: DescriptorProto, extensionsLoc: Loc): boolean {
    if (!this.consume("extensions")) return false;
    const oldSize = message.extensionRange.length;
    do {
      const loc = new Loc(this, extensionsLoc, [message.extensionRange.length]);
      const range: { start?: number; end?: number } = {};
      message.extensionRange.push(range);
      const ok = this.withLoc(loc, () => this.parseRange(loc, range, true));
      if (!ok) return false;
    } while (this.tryConsume(","));

    if (this.lookingAt("[")) {
      const indexPos = extensionsLoc.location.path.length;
      const scratch: SourceCodeInfo_Location[] = [];
      const first = message.extensionRange[oldSize]!;
      const indexLoc = new Loc(this, extensionsLoc, [0], scratch);
      const optLoc = new Loc(this, indexLoc, [F.range.options], scratch);
      const ok = (() => {
        try {
          if (!this.consume("[")) return false;
          do {
            if (!this.parseOptionInto(first, optLoc, scratch)) return false;
          } while (this.tryConsume(","));
          return this.consume("]");
        } finally {
          optLoc.end();
          indexLoc.end();
        }
      })();
      if (!ok) return false;
      for (const o of pendingOptions(first)) o.path[indexPos] = oldSize;
      for (let i = oldSize + 1; i < message.extensionRange.length; i++) {
        const copy = pendingOptions(first).map((o) => ({ ...o, path: [...o.path] }));
        for (const o of copy) o.path[indexPos] = i;
        pendingOptions(message.extensionRange[i]!).push(...copy);
      }
      for (let i = oldSize; i < message.extensionRange.length; i++) {
        for (const l of scratch) {
          if (l.path.length === indexPos + 1) continue;
          const path = [...l.path];
          path[indexPos] = i;
          this.locations.push({ ...l, path, span: [...l.span], leadingDetachedComments: [...l.leadingDetachedComments] });
        }
      }
    }
    return this.consumeEndOfDeclaration(";", extensionsLoc);
  }

  /** `N`, `N to M` or `N to max`, stored with an exclusive end (enum ranges keep theirs inclusive). */
  protected parseRange(loc: Loc, range: { start?: number; end?: number }, exclusiveEnd: boolean, signed = false, first = true, what = "field"): boolean {
    const startLoc = new Loc(this, loc, [F.range.start]);
    const startToken = this.input.current;
    const start = this.withLoc(startLoc, () =>
      signed
        ? this.consumeSignedInteger(first ? "Expected enum value or number range." : "Expected enum number range.")
        : this.consumeInteger(exclusiveEnd && what === "extension" ? "Expected field number range." : first ? "Expected field name or number range." : "Expected field number range."),
    );
    if (start === undefined) return false;
    let end: number | undefined;
    if (this.tryConsume("to")) {
      const endLoc = new Loc(this, loc, [F.range.end]);
      end = this.withLoc(endLoc, () => {
        if (this.tryConsume("max")) return signed ? 0x7fffffff : MAX_RANGE_SENTINEL - 1;
        return signed ? this.consumeSignedInteger("Expected integer.") : this.consumeInteger("Expected integer.");
      });
      if (end === undefined) return false;
    } else {
      const endLoc = new Loc(this, loc, [F.range.end]);
      endLoc.startAt(startToken);
      endLoc.endAt(startToken);
      end = start;
    }
    range.start = start;
    range.end = exclusiveEnd ? end + 1 : end;
    return true;
  }

  protected parseReserved(container: DescriptorProto | EnumDescriptorProto, containerLoc: Loc, isEnum: boolean): boolean {
    const startToken = this.input.current;
    if (!this.consume("reserved")) return false;
    const names = isEnum ? F.enum.reservedName : F.message.reservedName;
    const ranges = isEnum ? F.enum.reservedRange : F.message.reservedRange;
    if (this.syntax === "editions" && this.lookingAtType(TokenType.String)) {
      this.error("Reserved names must be identifiers in editions, not string literals.");
      return false;
    }
    if (this.syntax === "editions" && this.lookingAtType(TokenType.Identifier)) {
      // Editions reserve names as identifiers, not string literals.
      const loc = new Loc(this, containerLoc, [names]);
      loc.startAt(startToken);
      return this.withLoc(loc, () => {
        do {
          const l = new Loc(this, loc, [container.reservedName.length]);
          const s = this.withLoc(l, () => this.consumeIdentifier(isEnum ? "Expected enum value." : "Expected field name."));
          if (s === undefined) return false;
          container.reservedName.push(s);
        } while (this.tryConsume(","));
        return this.consumeEndOfDeclaration(";", loc);
      });
    }
    if (this.lookingAtType(TokenType.String)) {
      const loc = new Loc(this, containerLoc, [names]);
      loc.startAt(startToken);
      return this.withLoc(loc, () => {
        do {
          const l = new Loc(this, loc, [container.reservedName.length]);
          const s = this.withLoc(l, () => this.consumeString(isEnum ? "Expected enum value." : "Expected field name."));
          if (s === undefined) return false;
          container.reservedName.push(s);
        } while (this.tryConsume(","));
        return this.consumeEndOfDeclaration(";", loc);
      });
    }
    const loc = new Loc(this, containerLoc, [ranges]);
    loc.startAt(startToken);
    return this.withLoc(loc, () => {
      let first = true;
      do {
        const l = new Loc(this, loc, [container.reservedRange.length]);
        const range: { start?: number; end?: number } = {};
        container.reservedRange.push(range);
        if (!this.withLoc(l, () => this.parseRange(l, range, !isEnum, isEnum, first))) return false;
        first = false;
      } while (this.tryConsume(","));
      return this.consumeEndOfDeclaration(";", loc);
    });
  }
}
