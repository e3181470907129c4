// Puts the repository's one LICENSE into the package being packed (prepack: `copy`) and takes it out again
// (postpack: `remove`), so every tarball carries the licence text without six committed copies of it.
// Run by npm from the package's folder; a copy left behind by an interrupted pack is ignored by .gitignore.
import { copyFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const rootLicense = fileURLToPath(new URL("../LICENSE", import.meta.url));
const action = process.argv[2];
if (action === "copy") copyFileSync(rootLicense, "LICENSE");
else if (action === "remove") rmSync("LICENSE", { force: true });
else {
  console.error(`usage: node pack-license.mjs copy|remove (got ${action ?? "nothing"})`);
  process.exit(2);
}
