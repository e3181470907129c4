/** Naming rules: PascalCase types, services and RPCs; lower_snake_case fields and oneofs; UPPER_SNAKE_CASE values. */
import { toLowerSnakeCase, toPascalCase, toUpperSnakeCase } from "./case.js";
import { q } from "./context.js";
import { both, cat, type LintRule } from "./rules.js";

export const NAME_RULES: LintRule[] = [
  {
    id: "ENUM_PASCAL_CASE",
    purpose: "Checks that enums are PascalCase.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const e of ctx.enums()) {
        const name = e.proto.name!;
        const expected = toPascalCase(name);
        if (name !== expected) ctx.report(e.file, [...e.path, 1], `Enum name ${q(name)} should be PascalCase, such as ${q(expected)}.`);
      }
    },
  },
  {
    id: "ENUM_VALUE_UPPER_SNAKE_CASE",
    purpose: "Checks that enum values are UPPER_SNAKE_CASE.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const v of ctx.enumValues()) {
        const name = v.proto.name!;
        const expected = toUpperSnakeCase(name);
        if (name !== expected) ctx.report(v.file, [...v.path, 1], `Enum value name ${q(name)} should be UPPER_SNAKE_CASE, such as ${q(expected)}.`);
      }
    },
  },
  {
    id: "FIELD_LOWER_SNAKE_CASE",
    purpose: "Checks that field names are lower_snake_case.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const f of ctx.fields()) {
        if (f.parent?.isMapEntry) continue;
        const name = f.proto.name!;
        const expected = toLowerSnakeCase(name);
        if (name !== expected) ctx.report(f.file, [...f.path, 1], `Field name ${q(name)} should be lower_snake_case, such as ${q(expected)}.`);
      }
    },
  },
  {
    id: "MESSAGE_PASCAL_CASE",
    purpose: "Checks that messages are PascalCase.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const m of ctx.messages()) {
        if (m.isMapEntry) continue;
        const name = m.proto.name!;
        const expected = toPascalCase(name);
        if (name !== expected) ctx.report(m.file, [...m.path, 1], `Message name ${q(name)} should be PascalCase, such as ${q(expected)}.`);
      }
    },
  },
  {
    id: "ONEOF_LOWER_SNAKE_CASE",
    purpose: "Checks that oneof names are lower_snake_case.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const o of ctx.oneofs()) {
        const name = o.proto.name!;
        const expected = toLowerSnakeCase(name);
        if (name === expected) continue;
        // The synthetic oneof of a proto3 optional field is named after the field, not by the schema's author.
        if (o.fields.length === 1 && o.fields[0]!.proto3Optional) continue;
        ctx.report(o.file, [...o.path, 1], `Oneof name ${q(name)} should be lower_snake_case, such as ${q(expected)}.`);
      }
    },
  },
  {
    id: "RPC_PASCAL_CASE",
    purpose: "Checks that RPCs are PascalCase.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const m of ctx.methods()) {
        const name = m.proto.name!;
        const expected = toPascalCase(name);
        if (name !== expected) ctx.report(m.file, [...m.path, 1], `RPC name ${q(name)} should be PascalCase, such as ${q(expected)}.`);
      }
    },
  },
  {
    id: "SERVICE_PASCAL_CASE",
    purpose: "Checks that services are PascalCase.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const s of ctx.services()) {
        const name = s.proto.name!;
        const expected = toPascalCase(name);
        if (name !== expected) ctx.report(s.file, [...s.path, 1], `Service name ${q(name)} should be PascalCase, such as ${q(expected)}.`);
      }
    },
  },
  {
    id: "FIELD_NOT_REQUIRED",
    purpose: "Checks that fields are not configured to be required.",
    categories: { v2: cat.BASIC },
    check(ctx) {
      for (const f of ctx.fields())
        if (f.proto.label === 2) ctx.report(f.file, [...f.path, 1], `Field named ${q(f.proto.name!)} should not be required.`);
    },
  },
];

