/**
 * A message's text and entities as Telegram HTML (`parse_mode: "HTML"`), so a message saved
 * as a canned reply (`/save`) keeps its formatting in the replies file as text a person can
 * read and edit. Pure.
 */
import type { TelegramMessageEntity } from "@gramio/types";
import { escapeHtml } from "../texts.ts";

/** Start and end tags of an entity, or undefined for one Telegram adds by itself (URLs, mentions, hashtags…). */
function tagsOf(e: TelegramMessageEntity): [string, string] | undefined {
  switch (e.type) {
    case "bold":
      return ["<b>", "</b>"];
    case "italic":
      return ["<i>", "</i>"];
    case "underline":
      return ["<u>", "</u>"];
    case "strikethrough":
      return ["<s>", "</s>"];
    case "spoiler":
      return ["<tg-spoiler>", "</tg-spoiler>"];
    case "code":
      return ["<code>", "</code>"];
    case "pre":
      return e.language ? [`<pre><code class="language-${escapeHtml(e.language)}">`, "</code></pre>"] : ["<pre>", "</pre>"];
    case "text_link":
      return [`<a href="${escapeHtml(e.url ?? "")}">`, "</a>"];
    case "text_mention":
      return e.user ? [`<a href="tg://user?id=${e.user.id}">`, "</a>"] : undefined;
    case "custom_emoji":
      return [`<tg-emoji emoji-id="${escapeHtml(e.custom_emoji_id ?? "")}">`, "</tg-emoji>"];
    case "blockquote":
      return ["<blockquote>", "</blockquote>"];
    case "expandable_blockquote":
      return ["<blockquote expandable>", "</blockquote>"];
    default:
      return undefined;
  }
}

/** Whether the entities carry formatting that plain text would lose. */
export function hasFormatting(entities: readonly TelegramMessageEntity[] | undefined): boolean {
  return (entities ?? []).some((e) => tagsOf(e) !== undefined);
}

/**
 * `text` with its formatting entities as HTML tags; the text itself is escaped. Offsets are
 * UTF-16 units, as JavaScript indexes strings. Entities that overlap without nesting are
 * closed and reopened around each other, so the tags always nest as HTML requires.
 */
export function entitiesToHtml(text: string, entities: readonly TelegramMessageEntity[] | undefined): string {
  const spans = (entities ?? [])
    .map((e) => ({ start: e.offset, end: e.offset + e.length, tags: tagsOf(e) }))
    .filter((s): s is { start: number; end: number; tags: [string, string] } => s.tags !== undefined && s.end > s.start)
    // Outer first: earlier start, then longer.
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const cuts = [...new Set([0, text.length, ...spans.flatMap((s) => [s.start, s.end])])].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  const open: typeof spans = [];
  let out = "";
  let next = 0;
  for (let i = 0; i < cuts.length; i++) {
    const at = cuts[i]!;
    // Close what ends here (and whatever is inside it), then reopen the inner ones that go on.
    const first = open.findIndex((s) => s.end <= at);
    if (first !== -1) {
      const closed = open.splice(first);
      for (const s of [...closed].reverse()) out += s.tags[1];
      for (const s of closed) {
        if (s.end > at) {
          out += s.tags[0];
          open.push(s);
        }
      }
    }
    while (next < spans.length && spans[next]!.start === at) {
      const s = spans[next++]!;
      out += s.tags[0];
      open.push(s);
    }
    const until = cuts[i + 1];
    if (until !== undefined) out += escapeHtml(text.slice(at, until));
  }
  for (const s of open.reverse()) out += s.tags[1];
  return out;
}
