import type { TelegramInlineQuery } from "@gramio/types";
import type { Reply } from "../replies/types.ts";
import { searchReplies } from "../replies/search.ts";
import { stripTags } from "../texts.ts";
import { customerTexts, type ApiCall, type CoreContext } from "./context.ts";

/** Telegram's limit of results per answer; the rest come through `next_offset`. */
export const PAGE_SIZE = 50;

/** Seconds Telegram may cache an answer: short, so an edited replies file shows up quickly. */
export const INLINE_CACHE_SECONDS = 5;

function preview(text: string, parseMode: Reply["parse_mode"]): string {
  let plain = text;
  if (parseMode === "HTML") plain = stripTags(plain);
  else if (parseMode === "MarkdownV2") plain = plain.replace(/\\(.)/g, "$1").replace(/[*_~`|]/g, "");
  plain = plain.replace(/\s+/g, " ").trim();
  return plain.length > 100 ? `${plain.slice(0, 99)}…` : plain;
}

/**
 * The answer to an inline query (`@bot terms`): staff get the matching canned replies,
 * best first, 50 per page; anyone else gets no replies, only a button that opens a
 * support chat with the bot (as the original product did).
 */
export function answerInline(ctx: CoreContext, replies: readonly Reply[], query: TelegramInlineQuery): ApiCall<"answerInlineQuery"> {
  const base = { inline_query_id: query.id, cache_time: INLINE_CACHE_SECONDS, is_personal: true };
  if (!ctx.staff.has(query.from.id)) {
    return {
      method: "answerInlineQuery",
      // Someone who may become a customer: the button in their Telegram language (R32 customer-language).
      params: { ...base, results: [], button: { text: customerTexts(ctx, query.from).inline_button, start_parameter: "inline" } },
    };
  }
  const found = searchReplies(replies, query.query);
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
