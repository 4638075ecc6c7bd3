/**
 * The candidate a mistyped key most likely meant (`chanel` -> `channel`,
 * `retentionDays` -> `retention_days`), or undefined when none is close.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const snake = toSnake(word);
  const exact = candidates.find((c) => c === snake || c.toLowerCase() === word.toLowerCase());
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(snake, candidate);
    if (d < bestDistance && d <= Math.max(1, Math.floor(candidate.length / 3))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function toSnake(word: string): string {
  return word
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/-/g, "_")
    .toLowerCase();
}

/** Edit distance where swapping two neighbours counts as one edit (optimal string alignment). */
export function distance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j]!;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}

/** Lower case, accents dropped, spaces squeezed: how people misremember a name. */
function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * The candidates a mistyped name or id most likely meant, closest first (at most `max`):
 * close in edit distance, or containing / contained in what was typed. Case and accents
 * are ignored (`joao` finds `João`). For reply ids, staff names and staff ids.
 */
export function suggestAll(word: string, candidates: readonly string[], max = 3): string[] {
  const w = fold(word);
  if (w === "") return [];
  const scored: { candidate: string; d: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const c = fold(candidate);
    const d = distance(w, c);
    const near = d <= Math.max(1, Math.floor(c.length / 3));
    const part = w.length >= 2 && c.length >= 2 && (c.includes(w) || w.includes(c));
    if (near || part) scored.push({ candidate, d });
  }
  return scored
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map((s) => s.candidate);
}
