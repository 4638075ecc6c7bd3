/**
 * R36 save-reply: canned replies made and removed from inside a thread (`/save Title` as a
 * reply to a message, `/unsave id`). The core stays pure: the command asks for an edit of
 * the replies file ({@link RepliesEdit}), the daemon makes it at the edge and hands back
 * what happened ({@link RepliesOutcome}), and {@link answerRepliesEdit} tells the thread.
 */
import type { TelegramMessage } from "@gramio/types";
import { idFromTitle } from "../replies/ids.ts";
import { renderText } from "../texts.ts";
import type { CoreContext } from "./context.ts";
import { entitiesToHtml, hasFormatting } from "./html.ts";
import { enqueue } from "./queue.ts";
import { markDirty, type Conversation, type World } from "./state.ts";

/** Longest title `/save` takes: what fits an inline result's line. */
export const MAX_TITLE = 64;

/** An edit of the replies file a command asked for; `customer` and `replyTo` say where to answer. */
export type RepliesEdit =
  | { op: "save"; id: string; title: string; text: string; parseMode?: "HTML"; customer: number; replyTo: number }
  | { op: "unsave"; id: string; customer: number; replyTo: number };

/** What the daemon found when it tried the edit. */
export type RepliesOutcome =
  | { ok: true }
  /** `/save`: a reply with that id exists, with other content. */
  | { ok: false; problem: "duplicate"; title: string }
  /** `/unsave`: no such id; `near` are ids that look like it. */
  | { ok: false; problem: "not_found"; near: string[] }
  /** The file is read-only (its mode, or the filesystem): nothing was written. */
  | { ok: false; problem: "read_only"; file: string }
  /** The file has errors (or the text would make it invalid): it is left as it is. */
  | { ok: false; problem: "invalid"; file: string; detail: string };

/** The saved text of a message: its text or caption, formatting as HTML when it has any. */
export function replyTextOf(m: TelegramMessage): { text: string; parseMode?: "HTML" } | undefined {
  const text = m.text ?? m.caption;
  if (text === undefined || text.trim() === "") return undefined;
  const entities = m.text !== undefined ? m.entities : m.caption_entities;
  return hasFormatting(entities) ? { text: entitiesToHtml(text, entities), parseMode: "HTML" } : { text };
}

/**
 * `/save Title` in reply to a message: the edit to ask for, or the answer that explains why
 * not (no message replied to, no title, a title without letters, a message without text).
 */
export function saveRequest(ctx: CoreContext, conv: Conversation, m: TelegramMessage, title: string): { edit: RepliesEdit } | { answer: string } {
  const t = ctx.texts;
  const target = m.reply_to_message;
  if (!target || target.message_id === conv.root || target.is_automatic_forward) return { answer: t.save_usage };
  if (title === "") return { answer: t.save_usage };
  const id = idFromTitle(title);
  if (title.length > MAX_TITLE || !/[\p{L}\p{N}]/u.test(title)) {
    return { answer: renderText(t.save_bad_title, { max: MAX_TITLE }) };
  }
  const body = replyTextOf(target);
  if (!body) return { answer: t.save_no_text };
  return { edit: { op: "save", id, title, ...body, customer: conv.customer.id, replyTo: m.message_id } };
}

/** Tells the thread what came of an edit, as a quiet reply to the command. */
export function answerRepliesEdit(world: World, ctx: CoreContext, edit: RepliesEdit, outcome: RepliesOutcome, nowMs: number): void {
  const conv = world.state.conversations[edit.customer];
  if (!conv) return;
  const t = ctx.texts;
  let html: string;
  if (outcome.ok) {
    html = edit.op === "save" ? renderText(t.save_ack, { id: edit.id, title: edit.title, bot: ctx.botUsername }) : renderText(t.unsave_ack, { id: edit.id });
  } else {
    switch (outcome.problem) {
      case "duplicate":
        html = renderText(t.save_duplicate, { id: edit.id, title: outcome.title });
        break;
      case "not_found":
        html = renderText(t.unsave_not_found, { id: edit.id, near: outcome.near.length > 0 ? renderText(t.unsave_near, { ids: outcome.near.join(", ") }) : "" }, ["near"]);
        break;
      case "read_only":
        html = renderText(t.replies_read_only, { file: outcome.file });
        break;
      case "invalid":
        html = renderText(t.replies_invalid, { file: outcome.file, detail: outcome.detail });
        break;
    }
  }
  enqueue(world.state, conv, "team", { kind: "notice", html, replyTo: edit.replyTo, disableNotification: true }, nowMs);
  markDirty(world, "conversations", edit.customer);
}
