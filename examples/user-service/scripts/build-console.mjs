// Builds the web console into dist/console: app.ts bundled and minified by esbuild for browsers, the page and its
// stylesheet copied. Runs after `tsc -b` (which type-checks the console), as part of `npm run build`.
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const source = fileURLToPath(new URL("../console/", import.meta.url));
const out = fileURLToPath(new URL("../dist/console/", import.meta.url));

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${source}app.ts`],
  outfile: `${out}app.js`,
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  sourcemap: "linked",
  logLevel: "warning",
});
for (const file of ["index.html", "style.css", "favicon.svg"]) copyFileSync(`${source}${file}`, `${out}${file}`);
