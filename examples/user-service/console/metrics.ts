// The console's metrics page: polls the server's admin service (tsgrpc.admin.v1.Admin/GetServerStats) over gRPC-Web
// and charts calls per second by method and by status, and latency percentiles, over the last minute or so.
import { Admin, createClient, createGrpcWebTransport, GrpcError, serverStatsSnapshot, Status } from "@tsgrpc/grpc/web";
import { drawLineChart } from "./line-chart.js";
import { MetricsHistory, QUANTILES, type StatsAnswer } from "./metrics-history.js";

const admin = createClient(Admin, createGrpcWebTransport({ baseUrl: "" }));
/** How often the page polls, in ms (`?interval=MS` sets it; default 1 s). */
const INTERVAL_MS = Math.max(100, Number(new URLSearchParams(location.search).get("interval")) || 1000);
const POINTS = 60;
/** The page's own polling is left out of the charts. */
const history = new MetricsHistory(POINTS, (method) => method.startsWith("/tsgrpc.admin.v1.Admin/"));

const $ = <T extends Element>(id: string) => document.getElementById(id) as unknown as T;
const rate = (v: number) => `${+v.toFixed(v >= 10 ? 0 : 1)}/s`;
const latency = (s: number) => (s >= 1 ? `${+s.toFixed(2)} s` : s >= 0.001 ? `${+(s * 1000).toFixed(1)} ms` : `${+(s * 1e6).toFixed(0)} µs`);

function showTotals(answer: StatsAnswer): void {
  const { calls } = answer;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  $("totals").textContent = `${count(calls.started, "call")} (${calls.succeeded} OK, ${calls.failed} failed, ${calls.inFlight} in flight) · ${count(answer.connectionsOpen, "connection")}, ${count(answer.streamsOpen, "stream")} open`;
}

/** The newest interval per method: calls per second and latency percentiles. */
function showTable(answer: StatsAnswer): void {
  const last = history.intervals.at(-1);
  const rows = answer.methods.filter((m) => m.started > 0).map((m) => {
    const tr = document.createElement("tr");
    tr.dataset["method"] = m.method;
    const q = last?.latencyPerMethod.get(m.method) ?? {};
    const cells = [m.method, last?.perMethod.has(m.method) ? rate(last.perMethod.get(m.method)!) : "-", ...QUANTILES.map(([name]) => (q[name] === undefined ? "-" : `≤ ${latency(q[name])}`)), String(m.started), String(m.failed)];
    for (const text of cells) tr.append(Object.assign(document.createElement("td"), { textContent: text }));
    return tr;
  });
  $("methods").querySelector("tbody")!.replaceChildren(...rows);
}

function draw(): void {
  drawLineChart($("by-method"), $("by-method-legend"), history.series((i) => i.perMethod), POINTS, rate);
  drawLineChart($("by-status"), $("by-status-legend"), history.series((i) => i.perStatus), POINTS, rate);
  drawLineChart($("latency"), $("latency-legend"), history.latencySeries(), POINTS, latency);
}

async function poll(): Promise<void> {
  const error = $<HTMLElement>("metrics-error");
  try {
    const answer = serverStatsSnapshot(await admin.getServerStats({}, { timeout: 5_000 }));
    history.add(answer);
    showTotals(answer);
    showTable(answer);
    draw();
    error.hidden = true;
  } catch (e) {
    error.textContent = `Could not read the server's stats: ${e instanceof GrpcError ? `${Status[e.code]}: ${e.rawMessage}` : String(e)}`;
    error.hidden = false;
  }
  setTimeout(() => void poll(), INTERVAL_MS);
}

$("interval").textContent = `${INTERVAL_MS / 1000} s`;
draw();
void poll();
