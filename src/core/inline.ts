import type { TelegramInlineQuery } from "@gramio/types";
import type { Reply } from "../replies/types.ts";
import { queryTerms, searchReplies } from "../replies/search.ts";
import { stripTags } from "../texts.ts";
import { customerTexts, type ApiCall, type CoreContext } from "./context.ts";
import type { ReplyUse } from "./state.ts";

/** Telegram's limit of results per answer; the rest come through `next_offset`. */
export const PAGE_SIZE = 50;

/** Seconds Telegram may cache an answer: short, so an edited replies file shows up quickly. */
export const INLINE_CACHE_SECONDS = 5;

/**
 * The text Telegram shows for a reply's text once its parse mode is applied (markup gone,
 * HTML entities decoded): what a message sent from the reply's inline result holds.
 */
export function shownText(text: string, parseMode: Reply["parse_mode"]): string {
  if (parseMode === "HTML") return stripTags(text);
  if (parseMode === "MarkdownV2") {
    let out = "";
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === "\\" && i + 1 < text.length) out += text[++i];
      else if (ch === "]" && text[i + 1] === "(" && text.indexOf(")", i) !== -1) i = text.indexOf(")", i); // a link's URL
      else if (!"*_~`|[".includes(ch)) out += ch;
    }
    return out;
  }
  return text;
}

function preview(text: string, parseMode: Reply["parse_mode"]): string {
  const plain = shownText(text, parseMode).replace(/\s+/g, " ").trim();
  return plain.length > 100 ? `${plain.slice(0, 99)}…` : plain;
}

const shown = new WeakMap<Reply, string>();

/**
 * R37 reply-uses: the canned reply a message sent through the bot's inline mode came from,
 * found by its text (Telegram gives the message, not the result's id). Undefined when no
 * reply shows exactly that text (the file changed meanwhile).
 */
export function replyOfMessage(replies: readonly Reply[], text: string | undefined): Reply | undefined {
  if (text === undefined) return undefined;
  const wanted = text.trim();
  for (const r of replies) {
    let t = shown.get(r);
    if (t === undefined) shown.set(r, (t = shownText(r.text, r.parse_mode).trim()));
    if (t === wanted) return r;
  }
  return undefined;
}

/**
 * The answer to an inline query (`@bot terms`): staff get the matching canned replies,
 * best first (with no terms: the most used first), 50 per page; anyone else gets no replies, only a button that opens a
 * support chat with the bot (as the original product did).
 */
export function answerInline(ctx: CoreContext, replies: readonly Reply[], query: TelegramInlineQuery, uses: Readonly<Record<string, ReplyUse>> = {}): ApiCall<"answerInlineQuery"> {
  const base = { inline_query_id: query.id, cache_time: INLINE_CACHE_SECONDS, is_personal: true };
  if (!ctx.staff.has(query.from.id)) {
    return {
      method: "answerInlineQuery",
      // Someone who may become a customer: the button in their Telegram language (R32 customer-language).
      params: { ...base, results: [], button: { text: customerTexts(ctx, query.from).inline_button, start_parameter: "inline" } },
    };
  }
  // R37 reply-uses: with no terms, the most used first (ties by title, as the search orders them).
  const found = queryTerms(query.query).length > 0 ? searchReplies(replies, query.query) : searchReplies(replies, "").sort((a, b) => (uses[b.id]?.count ?? 0) - (uses[a.id]?.count ?? 0));
  const start = /^\d+$/.test(query.offset) ? Number(query.offset) : 0;
  const page = found.slice(start, start + PAGE_SIZE);
  const next = start + PAGE_SIZE < found.length ? String(start + PAGE_SIZE) : "";
  const results = page.map((r) => ({
    type: "article" as const,
    id: r.id,
    title: r.title,
    description: preview(r.text, r.parse_mode),
    input_message_content: { message_text: r.text, ...(r.parse_mode ? { parse_mode: r.parse_mode } : {}) },
  }));
  return { method: "answerInlineQuery", params: { ...base, results, next_offset: next } };
}
