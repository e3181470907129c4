import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { format, formatDiagnostic } from "@tsgrpc/compiler";
import type { FlagSpec } from "./cli-args.js";
import { runCommand } from "./run-command.js";

export const FORMAT_USAGE = `usage: tsgrpc format [-w] [-d|--diff] [--exit-code] [FILE.proto|DIR...]
  Formats .proto files as buf format does (buf 1.75's output, byte for byte); DIR means every .proto file under it,
  and no argument means the current directory. Prints the formatted files unless -w or --diff is given.
  -w           rewrite the files in place
  -d, --diff   print a unified diff (diff -u FILE.orig FILE) of what would change
  --exit-code  exit with status 100 when a file is not formatted
  A file that does not parse gives its errors as file:line:col lines and exit status 1; nothing is written.`;

const FORMAT_FLAGS: readonly FlagSpec[] = [{ names: ["-w", "--write"] }, { names: ["-d", "--diff"] }, { names: ["--exit-code"] }];

/** The exit status buf gives when --exit-code finds a file to change. */
export const FORMAT_DIFF_EXIT = 100;

function protoFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = dir === "." ? entry.name : join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".proto")) out.push(path);
    }
  };
  walk(target);
  return out;
}

export function runFormat(argv: string[]): Promise<number> {
  return runCommand("format", FORMAT_USAGE, FORMAT_FLAGS, argv, (args) => {
    const targets = args.positional.length ? [...args.positional] : ["."];
    const files = targets.flatMap(protoFiles);
    // Every file is formatted before anything is written: a file that does not parse leaves all of them untouched.
    const results = files.map((file) => ({ file, source: readFileSync(file, "utf8"), result: format(readFileSync(file, "utf8"), file) }));
    const failed = results.flatMap((r) => (r.result.ok ? [] : r.result.diagnostics));
    if (failed.length > 0) {
      process.stderr.write(failed.map(formatDiagnostic).join("\n") + "\n");
      return 1;
    }
    let changed = false;
    for (const { file, source, result } of results) {
      if (!result.ok) continue;
      const differs = result.text !== source;
      changed ||= differs;
      if (args.has("--diff")) {
        if (differs) process.stdout.write(formatDiff(file, source, result.text));
      } else if (args.has("-w")) {
        if (differs) writeFileSync(file, result.text);
      } else process.stdout.write(result.text);
    }
    return args.has("--exit-code") && changed ? FORMAT_DIFF_EXIT : 0;
  });
}

/**
 * The diff buf prints: it runs \`diff -u\` on two temporary files and puts FILE.orig and FILE in the header, so GNU diff
 * is used here too when there is one (its choice among equally short diffs is then buf's); without it, our own.
 */
export function formatDiff(file: string, before: string, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tsgrpc-format-"));
  try {
    const a = join(dir, "a");
    const b = join(dir, "b");
    writeFileSync(a, before);
    writeFileSync(b, after);
    const run = spawnSync("diff", ["-u", a, b], { encoding: "utf8", maxBuffer: 1 << 30 });
    if (run.error || run.status !== 1 || !run.stdout) return unifiedDiff(file, before, after, new Date());
    const lines = run.stdout.split("\n");
    const [first = "", second = ""] = lines;
    const rest = lines.slice(2).join("\n");
    const stamp = (line: string) => (line.lastIndexOf("\t") >= 0 ? line.slice(line.lastIndexOf("\t")) : "");
    return `diff -u ${file}.orig ${file}\n--- ${file}.orig${stamp(first)}\n+++ ${file}${stamp(second)}\n${rest}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A time as diff -u prints it: `2026-03-24 09:44:10.000000000 +0000` (local time); buf stamps both sides with the time of the run. */
function diffTime(t: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const off = -t.getTimezoneOffset();
  const zone = `${off < 0 ? "-" : "+"}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}.${p(t.getMilliseconds(), 3)}000000 ${zone}`;
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** The edit script from a to b (Myers' O(ND) algorithm): "=" keep, "-" delete, "+" insert. */
function editScript(a: string[], b: string[]): ("=" | "-" | "+")[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) break outer;
    }
  }
  const ops: ("=" | "-" | "+")[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push("=");
      x--;
      y--;
    }
    if (d > 0) ops.push(x === prevX ? "+" : "-");
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

/** `diff -u FILE.orig FILE` of the original and formatted text, with 3 lines of context. */
export function unifiedDiff(file: string, before: string, after: string, when: Date): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = editScript(a, b);
  const CONTEXT = 3;
  // Positions of the changes, grouped into hunks that are at most 2*CONTEXT unchanged lines apart.
  const rows: { op: string; ai: number; bi: number }[] = [];
  let ai = 0;
  let bi = 0;
  for (const op of ops) {
    rows.push({ op, ai, bi });
    if (op !== "+") ai++;
    if (op !== "-") bi++;
  }
  const hunks: [number, number][] = [];
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.op === "=") continue;
    let j = i;
    while (j + 1 < rows.length && rows[j + 1]!.op !== "=") j++;
    const start = Math.max(0, i - CONTEXT);
    const end = Math.min(rows.length - 1, j + CONTEXT);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1] + 1) last[1] = end;
    else hunks.push([start, end]);
    i = j;
  }
  const noNewline = (text: string, index: number, lines: string[]) => index === lines.length - 1 && text.length > 0 && !text.endsWith("\n");
  let out = `diff -u ${file}.orig ${file}\n--- ${file}.orig\t${diffTime(when)}\n+++ ${file}\t${diffTime(when)}\n`;
  const range = (start: number, count: number) => (count === 1 ? `${start + 1}` : `${count === 0 ? start : start + 1},${count}`);
  for (const [s, e] of hunks) {
    const slice = rows.slice(s, e + 1);
    const aCount = slice.filter((r) => r.op !== "+").length;
    const bCount = slice.filter((r) => r.op !== "-").length;
    out += `@@ -${range(slice[0]!.ai, aCount)} +${range(slice[0]!.bi, bCount)} @@\n`;
    for (const r of slice) {
      if (r.op === "=") {
        out += ` ${a[r.ai]}\n`;
        if (noNewline(before, r.ai, a) || noNewline(after, r.bi, b)) out += "\\ No newline at end of file\n";
      } else if (r.op === "-") {
        out += `-${a[r.ai]}\n`;
        if (noNewline(before, r.ai, a)) out += "\\ No newline at end of file\n";
      } else {
        out += `+${b[r.bi]}\n`;
        if (noNewline(after, r.bi, b)) out += "\\ No newline at end of file\n";
      }
    }
  }
  return out;
}
