// A line chart drawn as inline SVG (no chart library; the page's CSP allows styles only from its own stylesheet, so
// colours come from classes there).

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 480;
const HEIGHT = 200;
const LEFT = 64;
const BOTTOM = 20;
const TOP = 8;
/** Series beyond this share the last colour. */
const COLOURS = 8;

export interface Series {
  readonly name: string;
  /** One value per point; undefined leaves a gap. */
  readonly values: readonly (number | undefined)[];
}

function element<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  return e;
}

/** 1, 2 or 5 times a power of ten, at least `x`: the top of the y axis. */
function niceCeiling(x: number): number {
  if (x <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= x)!;
}

/**
 * Draws `series` into `svg` (replacing what it held) over `points` slots, newest at the right, with the y axis labelled
 * by `format`; `legend` gets one item per series. Each path carries data-series (its name) and data-last (its newest value).
 */
export function drawLineChart(svg: SVGSVGElement, legend: HTMLElement, series: readonly Series[], points: number, format: (v: number) => string): void {
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  svg.replaceChildren();
  const max = niceCeiling(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== undefined))));
  svg.dataset["max"] = String(max);
  const x = (i: number) => LEFT + ((WIDTH - LEFT - 4) * (i + Math.max(0, points - 1 - lastIndex(series)))) / Math.max(1, points - 1);
  const y = (v: number) => TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / max);
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    svg.append(element("line", { class: "grid", x1: LEFT, x2: WIDTH, y1: y(v), y2: y(v) }));
    const label = element("text", { class: "axis", x: LEFT - 6, y: y(v) + 4, "text-anchor": "end" });
    label.textContent = format(v);
    svg.append(label);
  }
  legend.replaceChildren();
  series.forEach((s, n) => {
    let d = "";
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === undefined) return void (pen = false);
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    const colour = `series-${Math.min(n, COLOURS - 1)}`;
    const path = element("path", { class: `line ${colour}`, d: d || "M0,0", "data-series": s.name });
    const last = s.values.at(-1);
    path.dataset["last"] = last === undefined ? "" : String(last);
    const title = element("title", {});
    title.textContent = s.name;
    path.append(title);
    svg.append(path);
    const item = document.createElement("li");
    item.className = colour;
    item.textContent = `${s.name}${last === undefined ? "" : `: ${format(last)}`}`;
    legend.append(item);
  });
  if (series.length === 0) {
    const empty = document.createElement("li");
    empty.textContent = "no calls yet";
    legend.append(empty);
  }
}

function lastIndex(series: readonly Series[]): number {
  return Math.max(0, ...series.map((s) => s.values.length - 1));
}
