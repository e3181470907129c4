import { isAbsolute } from "node:path";
import { breaking } from "@tsgrpc/compiler";
import type { FlagSpec } from "./cli-args.js";
import { againstImages, type Image } from "./against-input.js";
import { CliError, UsageError } from "./errors.js";
import { ERROR_FORMAT_FLAG, errorFormat, printFindings, shownPath, type ShownFinding } from "./finding-output.js";
import { compileModules, modulesFor } from "./proto-workspace.js";
import { runCommand } from "./run-command.js";

export const BREAKING_USAGE = `usage: tsgrpc breaking [DIR | FILE.proto...] --against INPUT [--config BUF_YAML] [--against-config BUF_YAML]
                       [--exclude-imports] [--error-format text|json|github-actions]
  Checks .proto files for changes that break clients of an earlier version, with buf's breaking rules (buf's rule
  IDs, categories FILE (default), PACKAGE, WIRE_JSON and WIRE, and messages), configured by the breaking section
  of buf.yaml (v1 or v2) found in DIR or above it, or given with --config. INPUT is buf's input syntax: a
  directory, a descriptor set (.binpb/.bin/.pb, protoc -o or buf build -o output, .gz too), or a git repository
  at a branch, tag or commit: .git#branch=main, .git#tag=v1.0.0, .git#ref=HEAD~1, each with ,subdir=DIR.
  Prints file:line:col:message per finding, exits 100 when there are findings (as buf breaking), 1 when the files
  do not compile or INPUT cannot be read.`;

const BREAKING_FLAGS: readonly FlagSpec[] = [
  { names: ["--against"], value: "INPUT" },
  { names: ["--config"], value: "BUF_YAML" },
  { names: ["--against-config"], value: "BUF_YAML" },
  { names: ["--exclude-imports"] },
  ERROR_FORMAT_FLAG,
];

type Compiled = ReturnType<typeof compileModules>[number];

/**
 * Pairs each module of the input with an image of the against input, in order, as buf does. When the input has more
 * modules and they share one breaking config, each against image goes with the first unpaired module that has one of
 * its files; anything else is buf's count error.
 */
function pair(current: Compiled[], against: Image[]): [Compiled, Image][] {
  if (current.length === against.length) return current.map((c, i) => [c, against[i]!]);
  const error = new CliError(`input contained ${current.length} images, whereas against contained ${against.length} images`);
  const first = JSON.stringify(current[0]?.module.config.breaking);
  if (current.length < against.length || current.some((c) => JSON.stringify(c.module.config.breaking) !== first)) throw error;
  const pairs: [Compiled, Image][] = [];
  const used = new Set<Compiled>();
  for (const image of against) {
    const names = new Set(image.filter((f) => !f.isImport).map((f) => f.proto.name));
    const module = current.find((c) => !used.has(c) && c.files.some((f) => !f.isImport && names.has(f.proto.name)));
    if (!module) throw error;
    used.add(module);
    pairs.push([module, image]);
  }
  return pairs;
}

export function runBreaking(argv: string[]): Promise<number> {
  return runCommand("breaking", BREAKING_USAGE, BREAKING_FLAGS, argv, (args) => {
    const how = errorFormat(args);
    const against = args.value("--against");
    if (against === undefined) throw new UsageError("--against INPUT is required: what the files are compared with");
    const current = compileModules(modulesFor([...args.positional], args.value("--config")));
    const previous = againstImages(against, args.value("--against-config"));
    const excludeImports = args.has("--exclude-imports");
    const absolute = args.positional.some((p) => isAbsolute(p));
    const out: ShownFinding[] = [];
    for (const [{ module, files }, image] of pair(current, previous))
      for (const f of breaking(files, image, module.config.breaking, { excludeImports }))
        // A finding without a file is about the input as a whole: a file or package deleted.
        out.push({ ...f, shown: f.file ? shownPath(module.root, f.file, absolute) : undefined });
    return printFindings(out, how);
  });
}
