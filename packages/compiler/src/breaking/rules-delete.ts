/** Rules about whole declarations going away: files, packages, and the messages, enums, extensions, services in them. */
import type { ElementFile, MessageEl } from "../lint/elements.js";
import { missing, nestedName, packageOf, type BreakingContext, type Schema } from "./context.js";
import { fieldName, messagePaths } from "./facts.js";
import { categories, v2Only, type BreakingRule } from "./rules.js";

type Kind = "message" | "enum" | "extension" | "service";

/** The declarations of one kind with what they are keyed on (their name within the file or package) and file. */
function declarations(schema: Schema, kind: Kind): { key: string; file: ElementFile }[] {
  if (kind === "message") return [...schema.messages.values()].map((m) => ({ key: nestedName(m.fullName, m.file), file: m.file }));
  if (kind === "enum") return [...schema.enums.values()].map((e) => ({ key: nestedName(e.fullName, e.file), file: e.file }));
  if (kind === "service") return [...schema.services.values()].map((x) => ({ key: x.proto.name!, file: x.file }));
  return schema.extensionList.map((x) => ({ key: nestedName(fieldName(x), x.file), file: x.file }));
}

function grouped(schema: Schema, kind: Kind, by: (file: ElementFile) => string): Map<string, Map<string, ElementFile>> {
  const out = new Map<string, Map<string, ElementFile>>();
  for (const d of declarations(schema, kind)) {
    const group = out.get(by(d.file)) ?? new Map<string, ElementFile>();
    group.set(d.key, d.file);
    out.set(by(d.file), group);
  }
  return out;
}

/** The innermost message of `file` still enclosing a deleted `Outer.Inner.Name`, where buf reports its deletion. */
function enclosing(ctx: BreakingContext, file: ElementFile, name: string): MessageEl | undefined {
  const parts = name.split(".");
  for (let i = parts.length - 1; i > 0; i--) {
    const m = ctx.current.messages.get([packageOf(file), ...parts.slice(0, i)].filter(Boolean).join("."));
    if (m && m.file.proto.name === file.proto.name) return m;
  }
  return undefined;
}

function reportDeleted(ctx: BreakingContext, file: ElementFile, name: string, previous: ElementFile, message: string): void {
  const parent = enclosing(ctx, file, name);
  ctx.report(file, parent ? messagePaths(parent) : [], previous, message);
}

/** <KIND>_NO_DELETE: what a file declared is still declared in that file (by its name within the file). */
function noDeleteFromFile(id: string, kind: Kind, cats: BreakingRule["categories"]): BreakingRule {
  return {
    id,
    purpose: `Checks that ${kind}s are not deleted from a given file.`,
    categories: cats,
    check(ctx) {
      const byFile = (f: ElementFile) => f.proto.name!;
      const current = grouped(ctx.current, kind, byFile);
      for (const [path, previousDecls] of grouped(ctx.previous, kind, byFile)) {
        const file = ctx.current.files.get(path);
        if (!file) continue;
        for (const [name, previous] of missing(current.get(path) ?? new Map(), previousDecls)) reportDeleted(ctx, file, name, previous, `Previously present ${kind} "${name}" was deleted from file.`);
      }
    },
  };
}

/** PACKAGE_<KIND>_NO_DELETE: what a package declared is still declared somewhere in it. */
function noDeleteFromPackage(id: string, kind: Kind, cats: BreakingRule["categories"]): BreakingRule {
  return {
    id,
    purpose: `Checks that ${kind}s are not deleted from a given package.`,
    categories: cats,
    check(ctx) {
      const current = grouped(ctx.current, kind, packageOf);
      for (const [pkg, previousDecls] of grouped(ctx.previous, kind, packageOf)) {
        const now = current.get(pkg);
        if (!now) continue;
        for (const [name, previous] of missing(now, previousDecls)) {
          const message = `Previously present ${kind} "${name}" was deleted from package "${pkg}".`;
          const file = ctx.current.files.get(previous.proto.name!);
          if (file) reportDeleted(ctx, file, name, previous, message);
          else ctx.report(undefined, [], previous, message);
        }
      }
    },
  };
}

export const DELETE_RULES: BreakingRule[] = [
  noDeleteFromFile("EXTENSION_NO_DELETE", "extension", v2Only("FILE")),
  {
    id: "SERVICE_NO_DELETE",
    purpose: "Checks that services are not deleted from a given file.",
    categories: categories("FILE", false),
    check(ctx) {
      const byFile = (f: ElementFile) => f.proto.name!;
      const current = grouped(ctx.current, "service", byFile);
      for (const [path, previousServices] of grouped(ctx.previous, "service", byFile)) {
        const file = ctx.current.files.get(path);
        if (!file) continue;
        for (const [name, previous] of missing(current.get(path) ?? new Map(), previousServices)) ctx.report(file, [], previous, `Previously present service "${name}" was deleted from file.`);
      }
    },
  },
  noDeleteFromFile("ENUM_NO_DELETE", "enum", categories("FILE", true)),
  {
    id: "FILE_NO_DELETE",
    purpose: "Checks that files are not deleted.",
    categories: categories("FILE", true),
    check(ctx) {
      for (const [path, previous] of missing(ctx.current.files, ctx.previous.files)) ctx.report(undefined, [], previous, `Previously present file "${path}" was deleted.`, { byName: true });
    },
  },
  noDeleteFromFile("MESSAGE_NO_DELETE", "message", categories("FILE", true)),
];

export const PACKAGE_DELETE_RULES: BreakingRule[] = [
  noDeleteFromPackage("PACKAGE_ENUM_NO_DELETE", "enum", categories("PACKAGE", false)),
  noDeleteFromPackage("PACKAGE_EXTENSION_NO_DELETE", "extension", v2Only("PACKAGE")),
  noDeleteFromPackage("PACKAGE_MESSAGE_NO_DELETE", "message", categories("PACKAGE", false)),
  {
    id: "PACKAGE_NO_DELETE",
    purpose: "Checks that packages are not deleted.",
    categories: categories("PACKAGE", false),
    check(ctx) {
      const packages = (s: Schema) => {
        const out = new Map<string, ElementFile[]>();
        for (const f of s.files.values()) out.set(packageOf(f), [...(out.get(packageOf(f)) ?? []), f]);
        return out;
      };
      for (const [pkg, files] of missing(packages(ctx.current), packages(ctx.previous))) {
        const first = [...files].sort((a, b) => (a.proto.name! < b.proto.name! ? -1 : 1))[0];
        ctx.report(undefined, [], first, `Previously present package "${pkg}" was deleted.`, { byName: true });
      }
    },
  },
  {
    id: "PACKAGE_SERVICE_NO_DELETE",
    purpose: "Checks that services are not deleted from a given package.",
    categories: categories("PACKAGE", false),
    check(ctx) {
      const current = grouped(ctx.current, "service", packageOf);
      for (const [pkg, previousServices] of grouped(ctx.previous, "service", packageOf)) {
        const now = current.get(pkg);
        if (!now) continue;
        for (const [name, previous] of missing(now, previousServices)) ctx.report(ctx.current.files.get(previous.proto.name!), [], previous, `Previously present service "${name}" was deleted from package "${pkg}".`);
      }
    },
  },
];
