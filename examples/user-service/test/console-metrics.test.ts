import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { startApp, type Running } from "./helpers.js";

// The web console's metrics page in headless Chromium: it polls Admin.GetServerStats over gRPC-Web and charts calls
// per second by method and by status, and latency percentiles, as inline SVG.
const CHROMIUM = "/usr/bin/chromium";
const CONSOLE_DIR = fileURLToPath(new URL("../console/", import.meta.url));
const SCREENSHOT = fileURLToPath(new URL("../../../../docs/web-console-metrics.png", import.meta.url));
const skip = !existsSync(CHROMIUM) ? `no ${CHROMIUM} (apt-get install chromium)` : !existsSync(`${CONSOLE_DIR}metrics.js`) ? "the console is not built (npm run build)" : false;
const WAIT = { timeout: 15_000 };
const GET_USER = "/userservice.UserService/GetUser";

let running: Running;
let browser: Browser;

before(async () => {
  if (skip) return;
  running = await startApp({ consoleDir: CONSOLE_DIR });
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

after(async () => {
  await browser?.close();
  await running?.stop();
});

/** The series a chart draws, by name, with the number of points of each. */
const seriesOf = (page: Page, chart: string) =>
  page.$$eval(`#${chart} path[data-series]`, (paths) => Object.fromEntries(paths.map((p) => [p.getAttribute("data-series")!, (p.getAttribute("d")!.match(/[ML]/g) ?? []).length])));

/** Calls of several kinds and outcomes, over and over until `stop` aborts. */
async function load(stop: AbortSignal): Promise<void> {
  const { client } = running;
  for (let i = 0; !stop.aborted; i++) {
    await Promise.allSettled([client.getUser({ id: 1 }), client.getUser({ id: 1 }), client.listUsers({ pageSize: 5 }), i % 3 === 0 ? client.getUser({ id: 9999 }) : client.getUser({ id: 2 })]);
  }
}

test("the metrics page charts calls per second by method and by status, and latency percentiles, as calls are made", { skip }, async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  try {
    await page.goto(`http://127.0.0.1:${running.port}/metrics.html?interval=200`);
    // Two answers make the first interval: the charts are drawn, with no calls yet (its own polls are left out).
    await page.waitForSelector("#by-method text.axis", WAIT);
    await page.waitForSelector("#methods tbody tr[data-method='/tsgrpc.admin.v1.Admin/GetServerStats']", WAIT);
    assert.deepEqual(await seriesOf(page, "by-method"), {});
    assert.equal(await page.textContent("#by-method-legend"), "no calls yet");

    // Calls: the lines appear, and grow a point per interval while the calls go on.
    const stop = new AbortController();
    const loading = load(stop.signal);
    try {
      await page.waitForSelector(`#by-method path[data-series='${GET_USER}']`, WAIT);
      // Runs in the page (the test's tsconfig has no DOM types, hence the cast).
      await page.waitForFunction((m) => {
        const { document } = globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } };
        return (document.querySelector(`#by-method path[data-series="${m}"]`)?.getAttribute("d")?.match(/L/g) ?? []).length >= 10;
      }, GET_USER, WAIT);
      await page.setViewportSize({ width: 1200, height: 720 });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      stop.abort();
      await loading;
    }
    const byMethod = await seriesOf(page, "by-method");
    assert.deepEqual(Object.keys(byMethod).sort(), [GET_USER, "/userservice.UserService/ListUsers"]);
    assert.deepEqual(Object.keys(await seriesOf(page, "by-status")).sort(), ["NOT_FOUND", "OK"]);
    assert.deepEqual(Object.keys(await seriesOf(page, "latency")), ["p50", "p90", "p99"]);
    assert.ok(Number(await page.getAttribute("#by-method", "data-max")) > 1, "the y axis scaled up to the calls' rate");
    // The latency lines have points where calls ended.
    const latest = await page.$$eval("#latency path[data-series]", (paths) => paths.map((p) => p.getAttribute("d")!.length > 10));
    assert.deepEqual(latest, [true, true, true]);
    assert.match((await page.textContent("#by-method-legend"))!, /GetUser: \d/);

    // The table's totals are the server's.
    const stats = running.app.server.stats();
    const started = stats.methods.find((m) => m.method === GET_USER)!.started;
    await page.waitForSelector(`#methods tbody tr[data-method='${GET_USER}'] td:nth-child(6):text-is("${started}")`, WAIT);
    const failed = stats.methods.find((m) => m.method === GET_USER)!.failed;
    assert.ok(failed > 0);
    assert.equal(await page.textContent("#methods tbody tr[data-method='/userservice.UserService/GetUser'] td:nth-child(7)"), String(failed));
    assert.match((await page.textContent("#methods tbody tr[data-method='/userservice.UserService/GetUser'] td:nth-child(3)"))!, /^(-|≤ \d)/, "p50");

    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
