/** Rules about files and packages: syntax, package names and versions, where files are, per-package file options. */
import type { FileDescriptorProto } from "@tsgrpc/protobuf";
import { packageVersion, toLowerSnakeCase } from "./case.js";
import { dirOf, q, type LintFileInput } from "./context.js";
import { both, cat, type LintRule } from "./rules.js";

const PACKAGE = [2];

function byKey(files: readonly LintFileInput[], key: (f: LintFileInput) => string): Map<string, LintFileInput[]> {
  const out = new Map<string, LintFileInput[]>();
  for (const f of files) {
    const k = key(f);
    out.set(k, [...(out.get(k) ?? []), f]);
  }
  return out;
}

const pkgOf = (f: LintFileInput) => f.proto.package ?? "";
const sorted = (s: Iterable<string>) => [...s].sort();

/** PACKAGE_SAME_<OPTION>: every file of a package gives the file option the same value (or none does). */
function sameOption(id: string, option: string, field: number, value: (f: FileDescriptorProto) => string): LintRule {
  return {
    id,
    purpose: `Checks that all files with a given package have the same value for the ${option} option.`,
    categories: both(cat.BASIC),
    check(ctx) {
      for (const [pkg, files] of byKey(ctx.targets, pkgOf)) {
        const values = new Set(files.map((f) => value(f.proto)));
        if (values.size < 2) continue;
        const none = values.delete("");
        const list = sorted(values).join(",");
        const message = none
          ? `Files in package ${q(pkg)} have both values ${q(list)} and no value for option ${q(option)} and all values must be equal.`
          : `Files in package ${q(pkg)} have multiple values ${q(list)} for option ${q(option)} and all values must be equal.`;
        for (const f of files) ctx.report(f, [8, field], message);
      }
    },
  };
}

const opt = (name: string) => (f: FileDescriptorProto) => {
  const v = f.options?.[name];
  return typeof v === "string" ? v : "";
};

export const FILE_RULES: LintRule[] = [
  {
    id: "DIRECTORY_SAME_PACKAGE",
    purpose: "Checks that all files in a given directory are in the same package.",
    categories: both(cat.MINIMAL),
    check(ctx) {
      for (const [dir, files] of byKey(ctx.targets, (f) => dirOf(f.proto.name!))) {
        const pkgs = new Set(files.map(pkgOf));
        if (pkgs.size < 2) continue;
        let prefix: string;
        if (pkgs.delete("")) prefix = pkgs.size > 1 ? `Multiple packages ${q(sorted(pkgs).join(","))} and file with no package` : `Package ${q(sorted(pkgs).join(","))} and file with no package`;
        else prefix = `Multiple packages ${q(sorted(pkgs).join(","))}`;
        for (const f of files) ctx.report(f, PACKAGE, `${prefix} detected within directory ${q(dir)}.`);
      }
    },
  },
  {
    id: "PACKAGE_DEFINED",
    purpose: "Checks that all files have a package defined.",
    categories: both(cat.MINIMAL),
    check(ctx) {
      for (const f of ctx.targets) if (!pkgOf(f)) ctx.report(f, undefined, "Files must have a package defined.");
    },
  },
  {
    id: "PACKAGE_DIRECTORY_MATCH",
    purpose: "Checks that all files are in a directory that matches their package name.",
    categories: both(cat.MINIMAL),
    check(ctx) {
      for (const f of ctx.targets) {
        const pkg = pkgOf(f);
        if (!pkg) continue;
        const expected = pkg.replaceAll(".", "/");
        const dir = dirOf(f.proto.name!);
        if (dir !== expected) ctx.report(f, PACKAGE, `Files with package ${q(pkg)} must be within a directory "${expected}" relative to root but were in directory "${dir}".`);
      }
    },
  },
  {
    id: "PACKAGE_SAME_DIRECTORY",
    purpose: "Checks that all files with a given package are in the same directory.",
    categories: both(cat.MINIMAL),
    check(ctx) {
      for (const [pkg, files] of byKey(ctx.targets, pkgOf)) {
        const dirs = new Set(files.map((f) => dirOf(f.proto.name!)));
        if (dirs.size < 2) continue;
        for (const f of files) ctx.report(f, PACKAGE, `Multiple directories ${q(sorted(dirs).join(","))} contain files with package ${q(pkg)}.`);
      }
    },
  },
  {
    id: "PACKAGE_LOWER_SNAKE_CASE",
    purpose: "Checks that packages are lower_snake.case.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const f of ctx.targets) {
        const pkg = pkgOf(f);
        if (!pkg) continue;
        const expected = pkg.split(".").map(toLowerSnakeCase).join(".");
        if (pkg !== expected) ctx.report(f, PACKAGE, `Package name ${q(pkg)} should be lower_snake.case, such as ${q(expected)}.`);
      }
    },
  },
  sameOption("PACKAGE_SAME_CSHARP_NAMESPACE", "csharp_namespace", 37, opt("csharpNamespace")),
  sameOption("PACKAGE_SAME_GO_PACKAGE", "go_package", 11, opt("goPackage")),
  sameOption("PACKAGE_SAME_JAVA_MULTIPLE_FILES", "java_multiple_files", 10, (f) => {
    const v = f.options?.["javaMultipleFiles"];
    return typeof v === "boolean" ? String(v) : "";
  }),
  sameOption("PACKAGE_SAME_JAVA_PACKAGE", "java_package", 1, opt("javaPackage")),
  sameOption("PACKAGE_SAME_PHP_NAMESPACE", "php_namespace", 41, opt("phpNamespace")),
  sameOption("PACKAGE_SAME_RUBY_PACKAGE", "ruby_package", 45, opt("rubyPackage")),
  sameOption("PACKAGE_SAME_SWIFT_PREFIX", "swift_prefix", 39, opt("swiftPrefix")),
  {
    id: "SYNTAX_SPECIFIED",
    purpose: "Checks that all files have a syntax specified.",
    categories: both(cat.BASIC),
    check(ctx) {
      // A proto2 file's descriptor has no syntax either: the source says whether one was written (location [12]).
      for (const f of ctx.targets)
        if (!f.proto.syntax && f.proto.edition === undefined && !ctx.hasLocation(f, [12])) ctx.report(f, undefined, `Files must have a syntax explicitly specified. If no syntax is specified, the file defaults to "proto2".`);
    },
  },
  {
    id: "FILE_LOWER_SNAKE_CASE",
    purpose: "Checks that filenames are lower_snake_case.",
    categories: both(cat.STANDARD),
    check(ctx) {
      for (const f of ctx.targets) {
        const name = f.proto.name!;
        const base = name.slice(name.lastIndexOf("/") + 1);
        const dot = base.lastIndexOf(".");
        const ext = dot < 0 ? "" : base.slice(dot);
        const stem = base.slice(0, base.length - ext.length);
        const expected = toLowerSnakeCase(stem);
        if (stem !== expected) ctx.report(f, undefined, `Filename ${q(base)} should be lower_snake_case${ext}, such as "${expected}${ext}".`);
      }
    },
  },
  {
    id: "PACKAGE_VERSION_SUFFIX",
    purpose: "Checks that the last component of all packages is a version of the form v\\d+, v\\d+test.*, v\\d+(alpha|beta)\\d+, or v\\d+p\\d+(alpha|beta)\\d+, where numbers are >=1.",
    categories: both(cat.STANDARD),
    check(ctx) {
      for (const f of ctx.targets) {
        const pkg = pkgOf(f);
        if (pkg && !packageVersion(pkg)) ctx.report(f, PACKAGE, `Package name ${q(pkg)} should be suffixed with a correctly formed version, such as ${q(pkg + ".v1")}.`);
      }
    },
  },
];
