import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

// What the browser tests share: Debian's chromium, headless, driven by playwright-core (no browser is downloaded).
const CHROMIUM = "/usr/bin/chromium";

/** The built web console (`npm run build`), as the server serves it. */
export const CONSOLE_DIR = fileURLToPath(new URL("../console/", import.meta.url));

/** Why a browser test cannot run here, or false: no chromium, or (when it needs it) no built console. */
export function browserTestSkip(needsConsole: boolean): string | false {
  if (!existsSync(CHROMIUM)) return `no ${CHROMIUM} (apt-get install chromium)`;
  if (needsConsole && !existsSync(`${CONSOLE_DIR}app.js`)) return "the console is not built (npm run build)";
  return false;
}

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM });

/** The errors the page reports from now on (uncaught exceptions, console errors), but those `expected` accepts. */
export function pageErrors(page: Page, expected: (text: string) => boolean = () => false): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && !expected(m.text()) && errors.push(m.text()));
  return errors;
}
