/**
 * A small layout document: text, conditional text, groups (printed flat unless something inside them must break a
 * line), and indentation. Runs of spaces and of newlines merge (the longest wins; a newline swallows spaces), so the
 * printer can ask for "a space here" and "a new line here" without counting what is already there.
 */
export const enum Cond {
  Always,
  Flat,
  Broken,
}

export type Node =
  | { kind: "text"; text: string; cond: Cond; /** Only spaces, only newlines, or anything else. */ ws: "space" | "break" | "" }
  | { kind: "group"; children: Node[]; broken?: boolean }
  | { kind: "indent"; by: string; children: Node[] };

export type Sink = (...nodes: Node[]) => void;

export const text = (t: string, cond = Cond.Always): Node => ({ kind: "text", text: t, cond, ws: /^ +$/.test(t) ? "space" : /^\n+$/.test(t) ? "break" : "" });

const visibleWhenFlat = (n: Node) => n.kind !== "text" || n.cond !== Cond.Broken;

/** Marks groups that must break: those holding a newline outside any broken-only text. */
function layout(nodes: Node[]): boolean {
  let broken = false;
  for (const n of nodes) {
    let b = false;
    if (n.kind === "text") b = n.text.includes("\n");
    else {
      b = layout(n.children);
      if (n.kind === "group") n.broken = b;
    }
    if (visibleWhenFlat(n) && b) broken = true;
  }
  return broken;
}

export function render(nodes: Node[]): string {
  layout(nodes);
  let out = "";
  let spaces = 0;
  let newlines = 0;
  let indent = "";
  const write = (data: string) => {
    if (newlines > 0) {
      out += "\n".repeat(newlines) + indent;
      newlines = 0;
      spaces = 0;
    }
    out += " ".repeat(spaces) + data;
    spaces = 0;
  };
  const print = (cond: Cond, list: Node[]) => {
    for (const n of list) {
      if (n.kind === "text") {
        if (n.cond !== Cond.Always && n.cond !== cond) continue;
        if (n.ws === "space") spaces = Math.max(spaces, n.text.length);
        else if (n.ws === "break") newlines = Math.max(newlines, n.text.length);
        else if (n.text !== "") write(n.text);
      } else if (n.kind === "group") print(n.broken ? Cond.Broken : Cond.Flat, n.children);
      else {
        const saved = indent;
        indent += n.by;
        print(cond, n.children);
        indent = saved;
      }
    }
  };
  print(Cond.Broken, nodes);
  if (!out.endsWith("\n")) out += "\n";
  return out;
}
