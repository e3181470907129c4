/** Enum rules: the zero value first and suffixed, no aliases, values prefixed with the enum's name. */
import { toUpperSnakeCase } from "./case.js";
import { q } from "./context.js";
import { both, cat, type LintRule } from "./rules.js";

export const ENUM_RULES: LintRule[] = [
  {
    id: "ENUM_FIRST_VALUE_ZERO",
    purpose: "Checks that all first values of enums have a numeric value of 0.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const e of ctx.enums()) {
        const first = e.proto.value[0];
        if (first && first.number !== 0) ctx.report(e.file, [...e.path, 2, 0, 2], `First enum value ${q(first.name!)} should have a numeric value of 0`);
      }
    },
  },
  {
    id: "ENUM_NO_ALLOW_ALIAS",
    purpose: "Checks that enums do not have the allow_alias option set.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const e of ctx.enums())
        if (e.proto.options?.["allowAlias"] === true) ctx.report(e.file, [...e.path, 3, 2], `Enum option "allow_alias" on enum ${q(e.proto.name!)} must be false.`);
    },
  },
  {
    id: "ENUM_VALUE_PREFIX",
    purpose: "Checks that enum values are prefixed with ENUM_NAME_UPPER_SNAKE_CASE.",
    categories: both(cat.STANDARD),
    check(ctx) {
      for (const v of ctx.enumValues()) {
        const prefix = toUpperSnakeCase(v.parent.proto.name!) + "_";
        if (!v.proto.name!.startsWith(prefix)) ctx.report(v.file, [...v.path, 1], `Enum value name ${q(v.proto.name!)} should be prefixed with ${q(prefix)}.`);
      }
    },
  },
  {
    id: "ENUM_ZERO_VALUE_SUFFIX",
    purpose: `Checks that enum zero values have a consistent suffix (configurable, default suffix is "_UNSPECIFIED").`,
    categories: both(cat.STANDARD),
    check(ctx) {
      const suffix = ctx.options.enumZeroValueSuffix;
      for (const v of ctx.enumValues())
        if (v.proto.number === 0 && !v.proto.name!.endsWith(suffix)) ctx.report(v.file, [...v.path, 1], `Enum zero value name ${q(v.proto.name!)} should be suffixed with ${q(suffix)}.`);
    },
  },
];
