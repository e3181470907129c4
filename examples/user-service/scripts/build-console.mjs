// Builds the web console into dist/console: its pages' scripts (app.ts, the users page; metrics.ts, the metrics page)
// bundled and minified by esbuild for browsers, the pages and their stylesheets copied. Runs after `tsc -b` (which type-checks the console), as part of `npm run build`.
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const source = fileURLToPath(new URL("../console/", import.meta.url));
const out = fileURLToPath(new URL("../dist/console/", import.meta.url));

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${source}app.ts`, `${source}metrics.ts`],
  outdir: out,
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  sourcemap: "linked",
  logLevel: "warning",
});
for (const file of ["index.html", "style.css", "metrics.html", "metrics.css", "favicon.svg"]) copyFileSync(`${source}${file}`, `${out}${file}`);
