/** Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went: by function and by file. */
import { readFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A line of the summary: self time in ms and share of all samples. */
export interface Hotspot {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by function (name and place). */
  functions: Hotspot[];
  /** Self time by file or package (node_modules/<pkg>, node:internal, src/…). */
  files: Hotspot[];
  /** Inclusive time of the functions whose name matches, e.g. the store's write. */
  inclusive: Hotspot[];
}

function shortUrl(url: string): string {
  if (url === "") return "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return `npm:${rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = url.indexOf("/src/");
  if (src >= 0) return url.slice(src + 1);
  if (url.startsWith("node:")) return url;
  return url.replace(/^file:\/\//, "");
}

/** Summarizes a .cpuprofile file; `top` lines per list; `inclusiveOf` function names to total up. */
export async function summarizeProfile(path: string, top = 20, inclusiveOf: string[] = []): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, "utf8")) as CpuProfile;
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const f = n.callFrame;
    add(fns, `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}:${f.lineNumber + 1}`, us);
    add(files, shortUrl(f.url), us);
  }
  // Inclusive: a node's total is its self time plus its subtree's; count each sample once per matching ancestor chain.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  if (inclusiveOf.length > 0) {
    for (const [id, us] of selfUs) {
      const hit = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const name = byId.get(cur)!.callFrame.functionName;
        if (inclusiveOf.includes(name)) hit.add(name);
      }
      for (const name of hit) add(incl, name, us);
    }
  }
  const list = (m: Map<string, number>): Hotspot[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: Math.round((us / totalUs) * 1000) / 10 }));
  return { totalMs: Math.round(totalUs / 1000), functions: list(fns), files: list(files), inclusive: list(incl) };
}
