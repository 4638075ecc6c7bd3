/**
 * Inline-mode search over canned replies: every term must match the title, the text or
 * a tag, ignoring case and accents (`horario` finds `Horário`).
 */
import type { Reply } from "./types.ts";

/** Lower case without accents: NFD, then combining marks removed. */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The query's terms, folded; empty for a blank query. */
export function queryTerms(query: string): string[] {
  return fold(query).split(/\s+/).filter((t) => t !== "");
}

interface Folded {
  title: string;
  tags: string[];
  text: string;
  /** The reply's fields the folded ones came from, to notice an object changed in place. */
  source: [string, string, readonly string[] | undefined];
}

// Replies are immutable data loaded once per file version: folding each one once keeps
// a search over thousands of them to plain substring tests.
const cache = new WeakMap<Reply, Folded>();

function folded(reply: Reply): Folded {
  let f = cache.get(reply);
  if (!f || f.source[0] !== reply.title || f.source[1] !== reply.text || f.source[2] !== reply.tags) {
    f = {
      title: fold(reply.title),
      tags: (reply.tags ?? []).map(fold),
      text: fold(reply.text),
      source: [reply.title, reply.text, reply.tags],
    };
    cache.set(reply, f);
  }
  return f;
}

const collator = new Intl.Collator("pt-BR", { sensitivity: "base", numeric: true });

/** Orders replies by title (accent- and case-insensitive, numbers in numeric order), then id. */
export function byTitle(a: Reply, b: Reply): number {
  return collator.compare(a.title, b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// A term found in the title weighs more than any number of tag or text matches of the
// other terms can make up for in typical queries (≤ 10 terms).
const TITLE = 100;
const TITLE_START = 20;
const TAG = 10;
const TEXT = 1;

function score(f: Folded, terms: string[]): number {
  let total = 0;
  for (const term of terms) {
    let best = 0;
    const at = f.title.indexOf(term);
    if (at !== -1) {
      best = TITLE + (at === 0 || /\s/.test(f.title[at - 1] ?? "") ? TITLE_START : 0);
    } else if (f.tags.some((t) => t.includes(term))) best = TAG;
    else if (f.text.includes(term)) best = TEXT;
    else return 0;
    total += best;
  }
  return total;
}

/**
 * The replies matching `query`, best first: title matches, then tag matches, then text
 * matches (a term at the start of a title word ranks higher); ties by title. An empty
 * query returns every reply, by title. Pure: the input array is not changed.
 */
export function searchReplies(replies: readonly Reply[], query: string): Reply[] {
  const terms = queryTerms(query);
  if (terms.length === 0) return [...replies].sort(byTitle);
  const hits: { reply: Reply; score: number }[] = [];
  for (const reply of replies) {
    const s = score(folded(reply), terms);
    if (s > 0) hits.push({ reply, score: s });
  }
  hits.sort((a, b) => b.score - a.score || byTitle(a.reply, b.reply));
  return hits.map((h) => h.reply);
}
