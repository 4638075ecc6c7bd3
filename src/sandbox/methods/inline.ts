import type { Engine } from "../engine.ts";
import { badRequest } from "../errors.ts";
import type { InlineAnswer } from "../types.ts";
import type { Handler } from "./common.ts";

const RESULT_TYPES = new Set([
  "article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document", "location", "venue", "contact", "game", "sticker",
]);

function bytes(s: string): number {
  return Buffer.byteLength(s);
}

export const inlineMethods: Record<string, Handler> = {
  answerInlineQuery(e: Engine, p) {
    const id = p.str("inline_query_id");
    if (id === "") throw badRequest(`parameter "inline_query_id" is required`);
    const raw = p.json<unknown>("results", "inline query results") ?? [];
    if (!Array.isArray(raw)) throw badRequest("expected an Array of inline query results");
    if (raw.length > 50) throw badRequest("RESULTS_TOO_MUCH");
    const seen = new Set<string>();
    const results = raw.map((r) => {
      if (typeof r !== "object" || r === null || Array.isArray(r)) throw badRequest("can't parse inline query result: expected an Object");
      const result = r as Record<string, unknown>;
      const type = String(result.type ?? "");
      if (!RESULT_TYPES.has(type)) throw badRequest(`can't parse inline query result: unsupported type "${type}"`);
      const rid = String(result.id ?? "");
      if (rid === "" || bytes(rid) > 64) throw badRequest("RESULT_ID_INVALID");
      if (seen.has(rid)) throw badRequest("RESULT_ID_DUPLICATE");
      seen.add(rid);
      if (type === "article") {
        if (String(result.title ?? "") === "") throw badRequest("ARTICLE_TITLE_EMPTY");
        const imc = result.input_message_content as Record<string, unknown> | undefined;
        if (!imc || typeof imc !== "object") throw badRequest(`can't parse inline query result: Field "input_message_content" must be of type Object`);
        if (imc.message_text !== undefined && String(imc.message_text).trim() === "") throw badRequest("MESSAGE_EMPTY");
      }
      return structuredClone(result);
    });
    const nextOffset = p.str("next_offset");
    if (bytes(nextOffset) > 64) throw badRequest("NEXT_OFFSET_INVALID");
    const answer: InlineAnswer = {
      inline_query_id: id,
      results,
      next_offset: nextOffset,
      cache_time: p.has("cache_time") ? p.int("cache_time") : 300,
      is_personal: p.bool("is_personal"),
    };
    const button = p.json<Record<string, unknown>>("button", "inline query results button");
    if (button !== undefined) {
      if (typeof button !== "object" || button === null) throw badRequest("object expected as inline query results button");
      const text = String(button.text ?? "");
      if (text === "") throw badRequest("SWITCH_PM_TEXT_EMPTY");
      const b: InlineAnswer["button"] = { text };
      if (button.start_parameter !== undefined) {
        const sp = String(button.start_parameter);
        if (sp === "") throw badRequest("START_PARAM_EMPTY");
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(sp)) throw badRequest("START_PARAM_INVALID");
        b.start_parameter = sp;
      } else if (button.web_app && typeof button.web_app === "object") {
        b.web_app = { url: String((button.web_app as Record<string, unknown>).url ?? "") };
      } else {
        throw badRequest("START_PARAM_EMPTY");
      }
      answer.button = b;
    }
    e.answerInline(answer);
    return true;
  },
};
