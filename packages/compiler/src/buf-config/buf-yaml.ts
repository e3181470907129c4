/**
 * buf.yaml, versions v1 and v2: the modules of a workspace (their roots and excluded paths) and, per module, the
 * `lint:` and `breaking:` sections resolved to paths relative to the module root. Unknown keys, versions and rule
 * names are errors that name them, as buf's are, instead of being silently ignored.
 */
import { closestName, closestRuleName, defaultLintConfig, expandRuleName, rulesFor, type ConfigVersion, type LintConfig } from "../lint/index.js";
import { parseYaml, YamlError, type YamlValue } from "./yaml.js";
import { breakingRulesFor, closestBreakingName, expandBreakingName } from "../breaking/index.js";

export class BufConfigError extends Error {
  override name = "BufConfigError";
}

/** buf.yaml's `breaking:` section (`use` is never empty once read: FILE by default, nothing with v2's disable_builtin). */
export interface BreakingConfig {
  version: ConfigVersion;
  use: string[];
  except: string[];
  ignore: string[];
  ignoreOnly: Record<string, string[]>;
  ignoreUnstablePackages: boolean;
}

export interface BufModuleConfig {
  /** The module root, relative to the buf.yaml's directory ("." for v1). */
  path: string;
  /** Directories under the root whose files are not part of the module (relative to the module root). */
  excludes: string[];
  lint: LintConfig;
  breaking: BreakingConfig;
}

export interface BufConfig {
  version: ConfigVersion;
  modules: BufModuleConfig[];
}

type Obj = { [key: string]: YamlValue };

const isObj = (v: YamlValue | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function checkKeys(where: string, obj: Obj, known: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const close = closestName(key, known);
    throw new BufConfigError(`${where}: unknown key "${key}"${close ? `; did you mean "${close}"?` : ""} (known keys: ${known.join(", ")})`);
  }
}

function section(where: string, v: YamlValue | undefined): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new BufConfigError(`${where} must be a mapping`);
  return v;
}

function strings(where: string, v: YamlValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw new BufConfigError(`${where} must be a list of strings`);
  return v as string[];
}

function bool(where: string, v: YamlValue | undefined): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new BufConfigError(`${where} must be true or false`);
  return v;
}

function str(where: string, v: YamlValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new BufConfigError(`${where} must be a string`);
  return v;
}

function normalize(p: string): string {
  const parts: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (!parts.length) throw new BufConfigError(`path "${p}" is outside the module`);
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/") || ".";
}

/** A path of buf.yaml relative to the module root: v2 paths are written from the workspace (buf.yaml) directory. */
function modulePath(where: string, p: string, version: ConfigVersion, root: string): string {
  const n = normalize(p);
  if (version === "v1" || root === ".") return n;
  if (n === root) return ".";
  if (!n.startsWith(root + "/")) throw new BufConfigError(`${where}: "${p}" is not within module "${root}"`);
  return n.slice(root.length + 1);
}

function ignorePaths(where: string, v: YamlValue | undefined, version: ConfigVersion, root: string): string[] {
  const out: string[] = [];
  for (const p of strings(where, v)) {
    // A workspace-wide section names paths of every module: each module keeps those inside it.
    if (version === "v2" && root !== "." && normalize(p) !== root && !normalize(p).startsWith(root + "/")) continue;
    const m = modulePath(where, p, version, root);
    if (m === ".") throw new BufConfigError(`${where}: cannot specify "." as an ignore path`);
    out.push(m);
  }
  return out;
}

function ignoreOnly(where: string, v: YamlValue | undefined, version: ConfigVersion, root: string): Record<string, string[]> {
  const obj = section(where, v);
  const out: Record<string, string[]> = {};
  for (const [k, paths] of Object.entries(obj)) out[k] = ignorePaths(`${where}.${k}`, paths, version, root);
  return out;
}

const LINT_KEYS = {
  v1: ["use", "except", "ignore", "ignore_only", "allow_comment_ignores", "enum_zero_value_suffix", "rpc_allow_same_request_response", "rpc_allow_google_protobuf_empty_requests", "rpc_allow_google_protobuf_empty_responses", "service_suffix"],
  v2: ["use", "except", "ignore", "ignore_only", "disallow_comment_ignores", "enum_zero_value_suffix", "rpc_allow_same_request_response", "rpc_allow_google_protobuf_empty_requests", "rpc_allow_google_protobuf_empty_responses", "service_suffix", "disable_builtin"],
} as const;

function readLint(where: string, v: YamlValue | undefined, version: ConfigVersion, root: string): LintConfig {
  const obj = section(where, v);
  checkKeys(where, obj, LINT_KEYS[version]);
  const config = defaultLintConfig(version);
  const use = strings(`${where}.use`, obj["use"]);
  if (use.length) config.use = use;
  config.except = strings(`${where}.except`, obj["except"]);
  config.ignore = ignorePaths(`${where}.ignore`, obj["ignore"], version, root);
  config.ignoreOnly = ignoreOnly(`${where}.ignore_only`, obj["ignore_only"], version, root);
  if (version === "v1") config.allowCommentIgnores = bool(`${where}.allow_comment_ignores`, obj["allow_comment_ignores"]) ?? false;
  else config.allowCommentIgnores = !(bool(`${where}.disallow_comment_ignores`, obj["disallow_comment_ignores"]) ?? false);
  const suffix = str(`${where}.enum_zero_value_suffix`, obj["enum_zero_value_suffix"]);
  if (suffix !== undefined) config.enumZeroValueSuffix = suffix;
  const service = str(`${where}.service_suffix`, obj["service_suffix"]);
  if (service !== undefined) config.serviceSuffix = service;
  // v2's disable_builtin turns every built-in rule off (buf's plugins would be left, and tsgrpc has none).
  if (bool(`${where}.disable_builtin`, obj["disable_builtin"])) config.use = [];
  config.rpcAllowSameRequestResponse = bool(`${where}.rpc_allow_same_request_response`, obj["rpc_allow_same_request_response"]) ?? false;
  config.rpcAllowGoogleProtobufEmptyRequests = bool(`${where}.rpc_allow_google_protobuf_empty_requests`, obj["rpc_allow_google_protobuf_empty_requests"]) ?? false;
  config.rpcAllowGoogleProtobufEmptyResponses = bool(`${where}.rpc_allow_google_protobuf_empty_responses`, obj["rpc_allow_google_protobuf_empty_responses"]) ?? false;
  // Every rule and category named must exist in this version: an error with the closest name, as buf gives.
  for (const [key, names] of [["use", config.use], ["except", config.except], ["ignore_only", Object.keys(config.ignoreOnly)]] as const)
    for (const n of names) {
      try {
        expandRuleName(n, version, key);
      } catch {
        const close = closestRuleName(n, version);
        const other: ConfigVersion = version === "v1" ? "v2" : "v1";
        const elsewhere = rulesFor(other).some((r) => r.id === n) ? ` (it is a rule of ${other} configs only)` : "";
        throw new BufConfigError(`${where}.${key}: unknown rule or category "${n}"${elsewhere}${close && !elsewhere ? `; did you mean "${close}"?` : ""}`);
      }
    }
  return config;
}

const BREAKING_KEYS = ["use", "except", "ignore", "ignore_only", "ignore_unstable_packages"];

function readBreaking(where: string, v: YamlValue | undefined, version: ConfigVersion, root: string): BreakingConfig {
  const obj = section(where, v);
  checkKeys(where, obj, version === "v2" ? [...BREAKING_KEYS, "disable_builtin"] : BREAKING_KEYS);
  const use = strings(`${where}.use`, obj["use"]);
  const config: BreakingConfig = {
    version,
    // v2's disable_builtin turns every built-in rule off (buf's plugins would be left, and tsgrpc has none).
    use: bool(`${where}.disable_builtin`, obj["disable_builtin"]) ? [] : use.length ? use : ["FILE"],
    except: strings(`${where}.except`, obj["except"]),
    ignore: ignorePaths(`${where}.ignore`, obj["ignore"], version, root),
    ignoreOnly: ignoreOnly(`${where}.ignore_only`, obj["ignore_only"], version, root),
    ignoreUnstablePackages: bool(`${where}.ignore_unstable_packages`, obj["ignore_unstable_packages"]) ?? false,
  };
  // Every rule and category named must exist in this version: an error with the closest name.
  for (const [key, names] of [["use", config.use], ["except", config.except], ["ignore_only", Object.keys(config.ignoreOnly)]] as const)
    for (const n of names) {
      try {
        expandBreakingName(n, version, key);
      } catch {
        const other: ConfigVersion = version === "v1" ? "v2" : "v1";
        const elsewhere = breakingRulesFor(other).some((r) => r.id === n) ? ` (it is a rule of ${other} configs only)` : "";
        const close = elsewhere ? undefined : closestBreakingName(n, version);
        throw new BufConfigError(`${where}.${key}: unknown rule or category "${n}"${elsewhere}${close ? `; did you mean "${close}"?` : ""}`);
      }
    }
  return config;
}

const V1_KEYS = ["version", "name", "deps", "build", "lint", "breaking"];
const V2_KEYS = ["version", "modules", "deps", "lint", "breaking", "plugins", "policies"];
const V2_MODULE_KEYS = ["path", "name", "includes", "excludes", "lint", "breaking"];

/** Reads buf.yaml text (YAML or JSON, as `--config` takes it); `source` names it in errors. */
export function parseBufYaml(text: string, source = "buf.yaml"): BufConfig {
  let doc: YamlValue;
  try {
    doc = text.trim().startsWith("{") ? (JSON.parse(text) as YamlValue) : parseYaml(text);
  } catch (e) {
    if (e instanceof YamlError || e instanceof SyntaxError) throw new BufConfigError(`${source}: ${e.message}`);
    throw e;
  }
  if (doc === null) doc = {};
  if (!isObj(doc)) throw new BufConfigError(`${source}: expected a mapping at the top level`);
  const version = doc["version"] ?? "v1beta1";
  if (version !== "v1" && version !== "v2")
    throw new BufConfigError(`${source}: unknown or unsupported version ${JSON.stringify(version)}; tsgrpc reads buf.yaml versions "v1" and "v2"`);
  if (version === "v1") {
    checkKeys(source, doc, V1_KEYS);
    const build = section(`${source}: build`, doc["build"]);
    checkKeys(`${source}: build`, build, ["excludes"]);
    return {
      version,
      modules: [
        {
          path: ".",
          excludes: strings(`${source}: build.excludes`, build["excludes"]).map(normalize),
          lint: readLint(`${source}: lint`, doc["lint"], version, "."),
          breaking: readBreaking(`${source}: breaking`, doc["breaking"], version, "."),
        },
      ],
    };
  }
  checkKeys(source, doc, V2_KEYS);
  const list = doc["modules"] ?? [{ path: "." }];
  if (!Array.isArray(list)) throw new BufConfigError(`${source}: modules must be a list`);
  const modules = list.map((m, i) => {
    const where = `${source}: modules[${i}]`;
    const obj = section(where, m);
    checkKeys(where, obj, V2_MODULE_KEYS);
    const path = normalize(str(`${where}.path`, obj["path"]) ?? ".");
    return {
      path,
      excludes: strings(`${where}.excludes`, obj["excludes"]).map((p) => modulePath(`${where}.excludes`, p, version, path)),
      // A module's own section replaces the workspace's one entirely, as in buf.
      lint: obj["lint"] !== undefined ? readLint(`${where}.lint`, obj["lint"], version, path) : readLint(`${source}: lint`, doc["lint"], version, path),
      breaking: obj["breaking"] !== undefined ? readBreaking(`${where}.breaking`, obj["breaking"], version, path) : readBreaking(`${source}: breaking`, doc["breaking"], version, path),
    };
  });
  return { version, modules };
}
