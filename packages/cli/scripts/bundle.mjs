// Bundles the tsgrpc command and the protoc plugin (dist/src, built by tsc) into dist/bundle, which bin/ runs: one
// file per command instead of hundreds of modules makes a short run (`tsgrpc compile` of a small file) start in about
// half the time. Each command is its own chunk, loaded when it runs.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(cli, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: join(cli, "dist/src/main.js"), "protoc-plugin": join(cli, "dist/src/protoc-plugin.js") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  sourcesContent: false,
  logLevel: "warning",
});
