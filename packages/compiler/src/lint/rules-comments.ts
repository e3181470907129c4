/** The COMMENTS category: every enum, value, field, message, oneof, RPC and service has a leading comment. */
import { FieldType } from "@tsgrpc/protobuf";
import { q, type LintContext, type LintFileInput } from "./context.js";
import { both, cat, type LintRule } from "./rules.js";

/** A comment documents when one of its lines is neither blank nor one of the excluded kinds (`buf:lint:ignore ...`). */
function documented(comment: string, excludes: readonly string[]): boolean {
  for (const raw of comment.split("\n")) {
    const line = raw.trim();
    for (const ex of excludes) if (line !== "" && !line.startsWith(ex)) return true;
  }
  return false;
}

function check(ctx: LintContext, file: LintFileInput, path: number[], what: string, name: string): void {
  const comment = ctx.leadingComments(file, path);
  if (comment === undefined) return; // no location: buf has nothing to report at
  if (!documented(comment, ctx.options.commentExcludes)) ctx.report(file, path, `${what} ${q(name)} should have a non-empty comment for documentation.`);
}

function rule(id: string, what: string, elements: (ctx: LintContext) => { file: LintFileInput; path: number[]; name: string }[]): LintRule {
  const plural = id === "COMMENT_ENUM_VALUE" ? "enum values" : id === "COMMENT_RPC" ? "RPCs" : `${id.slice(8).toLowerCase()}s`;
  return {
    id,
    purpose: `Checks that ${plural} have non-empty comments.`,
    categories: both(cat.COMMENTS),
    check(ctx) {
      for (const e of elements(ctx)) check(ctx, e.file, e.path, what, e.name);
    },
  };
}

const named = <T extends { file: LintFileInput; path: number[]; proto: { name?: string | undefined } }>(list: T[]) => list.map((e) => ({ file: e.file, path: e.path, name: e.proto.name! }));

export const COMMENT_RULES: LintRule[] = [
  rule("COMMENT_ENUM", "Enum", (ctx) => named(ctx.enums())),
  rule("COMMENT_ENUM_VALUE", "Enum value", (ctx) => named(ctx.enumValues())),
  rule("COMMENT_FIELD", "Field", (ctx) => named(ctx.fields().filter((f) => !f.parent?.isMapEntry && f.proto.type !== FieldType.GROUP))),
  rule("COMMENT_MESSAGE", "Message", (ctx) => named(ctx.messages().filter((m) => !m.isMapEntry))),
  rule("COMMENT_ONEOF", "Oneof", (ctx) => named(ctx.oneofs().filter((o) => !(o.fields.length === 1 && o.fields[0]!.proto3Optional)))),
  rule("COMMENT_RPC", "RPC", (ctx) => named(ctx.methods())),
  rule("COMMENT_SERVICE", "Service", (ctx) => named(ctx.services())),
];
