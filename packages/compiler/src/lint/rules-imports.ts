/** Import rules: no public or weak imports, every import used, no import cycles between packages or into unstable ones. */
import { packageVersion } from "./case.js";
import { q, type LintFileInput } from "./context.js";
import { both, cat, type LintRule } from "./rules.js";

export const IMPORT_RULES: LintRule[] = [
  {
    id: "IMPORT_NO_PUBLIC",
    purpose: "Checks that imports are not public.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const f of ctx.targets) for (const i of f.proto.publicDependency) ctx.report(f, [3, i], `Import ${q(f.proto.dependency[i]!)} must not be public.`);
    },
  },
  {
    id: "IMPORT_NO_WEAK",
    purpose: "Checks that imports are not weak.",
    categories: both(cat.NONE),
    deprecated: true,
    // Deprecated without a replacement: buf 1.75 accepts the ID (with a warning) and checks nothing for it; an unused
    // weak import is IMPORT_USED's.
    check() {},
  },
  {
    id: "IMPORT_USED",
    purpose: "Checks that imports are used.",
    categories: both(cat.BASIC),
    check(ctx) {
      for (const f of ctx.targets) for (const i of f.unusedDependency ?? []) ctx.report(f, [3, i], `Import ${q(f.proto.dependency[i]!)} is unused.`);
    },
  },
  {
    id: "PACKAGE_NO_IMPORT_CYCLE",
    purpose: "Checks that packages do not have import cycles.",
    categories: { v1: cat.NONE, v2: cat.MINIMAL },
    check(ctx) {
      const byPath = new Map(ctx.all.map((f) => [f.proto.name!, f]));
      // package -> imported package -> the imports (file, index) that import it
      const graph = new Map<string, Map<string, { file: LintFileInput; index: number }[]>>();
      for (const f of ctx.all) {
        const pkg = f.proto.package ?? "";
        const edges = graph.get(pkg) ?? new Map<string, { file: LintFileInput; index: number }[]>();
        graph.set(pkg, edges);
        f.proto.dependency.forEach((d, index) => {
          const imported = byPath.get(d);
          if (!imported) return;
          const ipkg = imported.proto.package ?? "";
          if (ipkg !== pkg) edges.set(ipkg, [...(edges.get(ipkg) ?? []), { file: f, index }]);
        });
      }
      const cycle = (pkg: string, seen: Set<string>, trail: string[]): string[] | undefined => {
        trail = [...trail, pkg];
        if (seen.has(pkg)) return trail[0] === trail[trail.length - 1] ? trail : undefined;
        seen.add(pkg);
        for (const next of graph.get(pkg)?.keys() ?? []) {
          if (next === "") continue;
          const found = cycle(next, seen, trail);
          if (found) return found;
        }
        seen.delete(pkg);
        return undefined;
      };
      for (const [pkg, edges] of graph) {
        if (pkg === "") continue;
        for (const [next, imports] of edges) {
          if (next === "") continue;
          const found = cycle(next, new Set([pkg]), [pkg]);
          if (!found) continue;
          for (const { file, index } of imports) if (!file.isImport) ctx.report(file, [3, index], `Package import cycle: ${found.join(" -> ")}`);
        }
      }
    },
  },
  {
    id: "STABLE_PACKAGE_NO_IMPORT_UNSTABLE",
    purpose: "Checks that all files that have stable versioned packages do not import packages with unstable version packages.",
    categories: { v2: cat.NONE },
    check(ctx) {
      const byPath = new Map(ctx.targets.map((f) => [f.proto.name!, f]));
      for (const f of ctx.targets) {
        const pkg = f.proto.package ?? "";
        if (packageVersion(pkg) !== "stable") continue;
        f.proto.dependency.forEach((d, i) => {
          const imported = byPath.get(d);
          if (!imported) return;
          const version = packageVersion(imported.proto.package ?? "");
          if (version && version !== "stable")
            ctx.report(f, [3, i], `This file is in stable package ${q(pkg)}, so it should not depend on ${q(d)} from unstable package ${q(imported.proto.package!)}.`);
        });
      }
    },
  },
];
