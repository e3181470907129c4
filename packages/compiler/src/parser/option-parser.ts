import type { SourceCodeInfo_Location } from "@tsgrpc/protobuf";
import { pendingOptions, UNINTERPRETED_OPTION, type UninterpretedOption } from "../parsed-options.js";
import { TokenType } from "../tokenizer.js";
import { F, UINT64_MAX } from "./constants.js";
import { Loc } from "./source-location.js";
import { TokenStream } from "./token-stream.js";

/** Options as written (`option a.(b).c = value;` and `[name = value]`), kept uninterpreted for the linker. */
export abstract class OptionParser extends TokenStream {
  protected parseOptionNamePart(option: UninterpretedOption, partLoc: Loc): boolean {
    if (this.lookingAt("(")) {
      this.consume("(");
      let part = "";
      const loc = new Loc(this, partLoc, [F.namePart.namePart]);
      const ok = this.withLoc(loc, () => {
        if (this.lookingAtType(TokenType.Identifier)) part += this.consumeIdentifier("Expected identifier.");
        while (this.lookingAt(".")) {
          this.consume(".");
          part += ".";
          const id = this.consumeIdentifier("Expected identifier.");
          if (id === undefined) return false;
          part += id;
        }
        return true;
      });
      if (!ok || !this.consume(")")) return false;
      option.name.push({ part, isExtension: true });
      return true;
    }
    const loc = new Loc(this, partLoc, [F.namePart.namePart]);
    const id = this.withLoc(loc, () => this.consumeIdentifier("Expected identifier."));
    if (id === undefined) return false;
    option.name.push({ part: id, isExtension: false });
    return true;
  }

  protected parseUninterpretedBlock(): string | undefined {
    if (!this.consume("{")) return undefined;
    let value = "";
    let depth = 1;
    while (!this.atEnd()) {
      if (this.lookingAt("{")) depth++;
      else if (this.lookingAt("}")) {
        depth--;
        if (depth === 0) {
          this.input.next();
          return value;
        }
      }
      if (value) value += " ";
      value += this.input.current.text;
      this.input.next();
    }
    this.error("Unexpected end of stream while parsing aggregate value.");
    return undefined;
  }

  /** An `option name = value;` statement or a `name = value` assignment inside brackets. */
  protected parseOption(holder: object, optionsLoc: Loc, style: "statement" | "assignment"): boolean {
    const list = pendingOptions(holder);
    const loc = new Loc(this, optionsLoc, [UNINTERPRETED_OPTION, list.length]);
    return this.withLoc(loc, () => {
      if (style === "statement" && !this.consume("option")) return false;
      const { line, column } = this.input.current;
      const option: UninterpretedOption = { name: [], path: [...loc.location.path], line, column, valueLine: line, valueColumn: column };
      list.push(option);
      const nameLoc = new Loc(this, loc, [F.option.name]);
      const named = this.withLoc(nameLoc, () => {
        const first = new Loc(this, nameLoc, [option.name.length]);
        if (!this.withLoc(first, () => this.parseOptionNamePart(option, first))) return false;
        while (this.lookingAt(".")) {
          this.consume(".");
          const part = new Loc(this, nameLoc, [option.name.length]);
          if (!this.withLoc(part, () => this.parseOptionNamePart(option, part))) return false;
        }
        return true;
      });
      if (!named || !this.consume("=")) return false;
      const valueLoc = new Loc(this, loc, []);
      option.valueLine = this.input.current.line;
      option.valueColumn = this.input.current.column;
      const valued = this.withLoc(valueLoc, () => {
        const negative = this.tryConsume("-");
        const t = this.input.current;
        switch (t.type) {
          case TokenType.End:
            this.error("Unexpected end of stream while parsing option value.");
            return false;
          case TokenType.Identifier: {
            valueLoc.addPath(F.option.identifierValue);
            if (negative) {
              this.error("Invalid '-' symbol before identifier.");
              return false;
            }
            option.identifier = this.consumeIdentifier("Expected identifier.");
            return true;
          }
          case TokenType.Integer: {
            const v = this.consumeInteger64(negative ? 0x8000000000000000n : UINT64_MAX, "Expected integer.");
            if (v === undefined) return false;
            if (negative) {
              valueLoc.addPath(F.option.negativeIntValue);
              option.negative = -v;
            } else {
              valueLoc.addPath(F.option.positiveIntValue);
              option.positive = v;
            }
            return true;
          }
          case TokenType.Float: {
            valueLoc.addPath(F.option.doubleValue);
            const v = this.consumeNumber("Expected number.");
            if (v === undefined) return false;
            option.double = negative ? -v : v;
            return true;
          }
          case TokenType.String: {
            valueLoc.addPath(F.option.stringValue);
            if (negative) {
              this.error("Invalid '-' symbol before string.");
              return false;
            }
            option.string = this.consumeStringBytes("Expected string.");
            return option.string !== undefined;
          }
          default:
            if (this.lookingAt("{")) {
              valueLoc.addPath(F.option.aggregateValue);
              option.aggregate = this.parseUninterpretedBlock();
              return option.aggregate !== undefined;
            }
            this.error("Expected option value.");
            return false;
        }
      });
      if (!valued) return false;
      if (style === "statement") return this.consumeEndOfDeclaration(";", loc);
      return true;
    });
  }

  /** parseOption with its locations going to `scratch` (extension range options are recorded once, then copied). */
  protected parseOptionInto(holder: object, optionsLoc: Loc, scratch: SourceCodeInfo_Location[]): boolean {
    const before = this.locations.length;
    const ok = this.parseOption(holder, optionsLoc, "assignment");
    scratch.push(...this.locations.splice(before));
    return ok;
  }
}
