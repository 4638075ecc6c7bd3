import { fullName, renderText, type Texts } from "../texts.ts";
import type { Conversation } from "./state.ts";

/** The status a card shows; the most pressing one wins. */
export function cardStatus(conv: Conversation): "banned" | "blocked" | "closed" | "open" {
  if (conv.banned) return "banned";
  if (conv.blocked) return "blocked";
  return conv.status;
}

const ICONS = { open: "🟢", closed: "⚪", banned: "⛔", blocked: "🚫" } as const;

/** The topic card's HTML (R21 card): name, @username, id, status, priority, origin, undelivered count. */
export function renderCard(conv: Conversation, texts: Texts): string {
  const c = conv.customer;
  const status = cardStatus(conv);
  const name = fullName(c);
  return renderText(
    texts.card,
    {
      status_icon: ICONS[status],
      name,
      username: c.username ? renderText(texts.card_username, { username: c.username }) : "",
      id: c.id,
      status: texts[`status_${status}`],
      priority: conv.priority,
      origin: conv.origin ? renderText(texts.card_origin, { origin: conv.origin }) : "",
      failures: conv.failures > 0 ? renderText(texts.card_failures, { count: conv.failures }) : "",
    },
    ["username", "origin", "failures", "status"],
  );
}

/** Whether an open card belongs in the channel's pinned list (R22 pinned-queue). */
export function shouldBePinned(conv: Conversation): boolean {
  return conv.status === "open" && !conv.banned;
}

/** A short fingerprint of a card's text (FNV-1a, 32 bits): enough to tell "changed" from "same". */
export function cardHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
