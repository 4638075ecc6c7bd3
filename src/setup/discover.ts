/**
 * Finding the support channel without typing its id: Telegram tells a bot, with a
 * `my_chat_member` update, each time someone adds it to a chat or changes its rights there.
 * `clientes init` reads those, or else takes an "@name", an id or a post link.
 *
 * Reading updates must not take anything from the daemon (which may later, or already,
 * poll the same bot). So every getUpdates call here:
 * - passes no `offset`: an offset confirms (deletes) every update below it, and customers'
 *   messages waiting in the queue would be lost to the daemon. Without one, Telegram
 *   returns the oldest pending updates and forgets nothing;
 * - passes no `allowed_updates`: that filter persists on Telegram's side and applies when
 *   updates are created, so narrowing it would make Telegram drop customer messages;
 * - looks only at `my_chat_member` updates and ignores the rest (they stay in the queue).
 * Init runs before the daemon: a getUpdates call while a daemon is long-polling would end
 * the daemon's poll with 409 Conflict, so init refuses to look while the daemon's store is
 * locked (see the init command).
 */
import type { TelegramChatFullInfo, TelegramChatMemberUpdated, TelegramUpdate, TelegramUser } from "@gramio/types";
import { TelegramApiError } from "../telegram/errors.ts";
import type { TelegramPort } from "../telegram/port.ts";

/** A channel or group the bot is in, as its latest my_chat_member update describes it. */
export interface FoundChat {
  id: number;
  type: "channel" | "supergroup" | "group";
  title: string;
  username?: string;
  /** The bot's status there: "administrator" or "member". */
  status: string;
  /** Who added the bot or changed its rights (usually the operator). */
  by: TelegramUser;
  /** Unix time of the update. */
  date: number;
  /** The update's id, to tell new updates from ones seen before. */
  updateId: number;
}

/**
 * The chats the bot is currently in, from `my_chat_member` updates (the latest one per chat
 * wins; chats it left or was removed from are dropped), most recent first. Pure.
 */
export function chatsFromUpdates(updates: readonly TelegramUpdate[]): FoundChat[] {
  const latest = new Map<number, { update: TelegramChatMemberUpdated; id: number }>();
  for (const u of updates) {
    const m = u.my_chat_member;
    if (!m || m.chat.type === "private") continue;
    const seen = latest.get(m.chat.id);
    if (!seen || seen.id < u.update_id) latest.set(m.chat.id, { update: m, id: u.update_id });
  }
  const out: FoundChat[] = [];
  for (const { update: m, id } of latest.values()) {
    const status = m.new_chat_member.status;
    if (status !== "administrator" && status !== "member" && status !== "creator") continue;
    const chat: FoundChat = {
      id: m.chat.id,
      type: m.chat.type as FoundChat["type"],
      title: m.chat.title ?? String(m.chat.id),
      status,
      by: m.from,
      date: m.date,
      updateId: id,
    };
    if (m.chat.username) chat.username = m.chat.username;
    out.push(chat);
  }
  return out.sort((a, b) => b.updateId - a.updateId);
}

/**
 * One look at the bot's pending updates, without confirming or filtering any (see the file
 * comment): the chats found in its my_chat_member updates. `timeout` long-polls when the
 * queue is empty.
 */
export async function peekChats(port: TelegramPort, timeoutSeconds = 0): Promise<FoundChat[]> {
  const updates = await port.call("getUpdates", { limit: 100, timeout: timeoutSeconds });
  return chatsFromUpdates(updates);
}

/** The channel init may take without asking, or why it cannot pick one. */
export type ChannelPick = { ok: true; chat: FoundChat } | { ok: false; problem: string; fix: string; ambiguous: boolean };

/**
 * The support channel when no one says which: the only channel among the found chats.
 * None or several is a problem naming the choices and the `--channel` flag. Pure.
 */
export function soleChannel(found: readonly FoundChat[], botName: string): ChannelPick {
  const channels = found.filter((c) => c.type === "channel");
  if (channels.length === 1) return { ok: true, chat: channels[0]! };
  if (channels.length === 0) {
    return {
      ok: false,
      ambiguous: false,
      problem: `no channel found: ${botName} has not been added to a channel (in the last 24 hours, as far as its updates tell)`,
      fix: `make ${botName} an administrator of the support channel and run init again, or pass --channel @name (or its id like -1001234567890)`,
    };
  }
  const names = channels.map((c) => `${JSON.stringify(c.title)}${c.username ? ` @${c.username}` : ""} (${c.id})`);
  return {
    ok: false,
    ambiguous: true,
    problem: `${botName} is in ${channels.length} channels: ${names.join(", ")}; which one is the support channel?`,
    fix: `pass --channel with one of them, e.g. --channel ${channels[0]!.id}`,
  };
}

export interface WaitOptions {
  /** Update ids seen before: only a my_chat_member update not among them ends the wait. */
  knownUpdateIds: ReadonlySet<number>;
  /** Which chats end the wait. */
  accept: (chat: FoundChat) => boolean;
  /** Give up after this long. */
  timeoutMs: number;
  now?: () => number;
  /** Pause between looks when the queue holds other updates (they make getUpdates return at once). */
  sleep?: (ms: number) => Promise<void>;
  /** Seconds of each long poll. */
  pollSeconds?: number;
}

/**
 * Waits until a my_chat_member update not seen before shows an accepted chat (e.g. the bot
 * was just made an admin of a channel). Resolves with it, or undefined on timeout.
 */
export async function waitForChat(port: TelegramPort, opts: WaitOptions): Promise<FoundChat | undefined> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + opts.timeoutMs;
  const pollSeconds = opts.pollSeconds ?? 5;
  for (;;) {
    const left = deadline - now();
    if (left <= 0) return undefined;
    const started = now();
    const found = await peekChats(port, Math.max(0, Math.min(pollSeconds, Math.floor(left / 1000))));
    const fresh = found.find((c) => !opts.knownUpdateIds.has(c.updateId) && opts.accept(c));
    if (fresh) return fresh;
    // Other updates pending make getUpdates answer at once; Telegram also limits a repeated
    // call to one update within 0.5 s. Pausing keeps this from spinning.
    if (now() - started < 1000 && deadline - now() > 0) await sleep(Math.min(1000, Math.max(0, deadline - now())));
  }
}

/** What the operator typed to name a chat: an id, "@name", or a t.me link. */
export type ChatRef = number | `@${string}`;

/**
 * Reads a chat the operator typed: `-1001234567890`, `@name`, `name`, `t.me/name`,
 * `https://t.me/name/12` (a public post link) or `https://t.me/c/1234567890/12` (a private
 * channel's post link, from "Copy Post Link"). Returns the chat, or why it cannot be used.
 */
export function parseChatRef(input: string): { ok: true; chat: ChatRef } | { ok: false; why: string } {
  const s = input.trim();
  if (s === "") return { ok: false, why: "type the channel's @name, its id (like -1001234567890) or the link of one of its posts" };
  if (/^-\d+$/.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? { ok: true, chat: n } : { ok: false, why: `${s} is not a valid chat id` };
  }
  if (/^\d+$/.test(s)) {
    return { ok: false, why: `a channel's id is negative, like -100${s}; a private post link (t.me/c/${s}/1) works too` };
  }
  const link = /^(?:https?:\/\/)?(?:t\.me|telegram\.me)\/(.+?)\/?$/i.exec(s);
  if (link) {
    const path = link[1]!;
    const priv = /^c\/(\d+)(?:\/\d+)*(?:\?.*)?$/.exec(path);
    if (priv) return { ok: true, chat: Number(`-100${priv[1]}`) };
    if (path.startsWith("+") || path.startsWith("joinchat/")) {
      return { ok: false, why: "an invite link does not name the chat for a bot: copy the link of a post instead (press on a post → Copy Post Link)" };
    }
    const pub = /^([A-Za-z0-9_]{5,32})(?:\/\d+)?(?:\?.*)?$/.exec(path);
    if (pub) return { ok: true, chat: `@${pub[1]}` };
    return { ok: false, why: `${s} is not a channel or post link` };
  }
  const name = /^@?([A-Za-z][A-Za-z0-9_]{4,31})$/.exec(s);
  if (name) return { ok: true, chat: `@${name[1]}` };
  return { ok: false, why: `${JSON.stringify(s)} is not an @name, a chat id or a t.me link` };
}

/** The channel as Telegram describes it, and the id of its discussion group. */
export type ChannelInspection =
  | { ok: true; channel: TelegramChatFullInfo; groupId: number }
  | { ok: false; problem: string; fix: string };

/** getChat; Telegram's refusal comes back as the problem ("the bot cannot see …") and `fix`'s fix. */
async function seeChat(port: TelegramPort, ref: number | string, what: string, fix: (err: TelegramApiError) => string): Promise<{ ok: true; chat: TelegramChatFullInfo } | { ok: false; problem: string; fix: string }> {
  try {
    return { ok: true, chat: await port.call("getChat", { chat_id: ref }) };
  } catch (err) {
    if (!(err instanceof TelegramApiError)) throw err;
    return { ok: false, problem: `the bot cannot see the ${what} ${ref}: ${err.description}`, fix: fix(err) };
  }
}

/**
 * Reads the channel the operator chose and its linked discussion group (getChat's
 * `linked_chat_id`). When `groupRef` is given it must be that group. Telegram's refusals
 * come back as a problem and its fix; a network failure or Ctrl+C is thrown.
 */
export async function inspectChannel(port: TelegramPort, ref: number | string, botName: string, groupRef?: number | string): Promise<ChannelInspection> {
  const seen = await seeChat(port, ref, "channel", (err) =>
    /chat not found/i.test(err.description)
      ? `make ${botName} an administrator of the channel first (a bot sees a private channel only as its admin), and check the @name or id`
      : err.hint,
  );
  if (!seen.ok) return seen;
  const channel = seen.chat;
  const name = channel.title !== undefined ? JSON.stringify(channel.title) : String(ref);
  if (channel.type !== "channel") {
    return {
      ok: false,
      problem: `${name} is a ${channel.type === "supergroup" ? "group" : channel.type}, not a channel`,
      fix: "choose the support channel itself; its discussion group is found from it",
    };
  }
  const linked = channel.linked_chat_id;
  if (linked === undefined) {
    return {
      ok: false,
      problem: `the channel ${name} has no discussion group, so it has no comments`,
      fix: `in the channel: Edit (Manage Channel) → Discussion → Add Group → Create a New Group; then make ${botName} an administrator of that group`,
    };
  }
  if (groupRef !== undefined) {
    const seenGroup = await seeChat(port, groupRef, "group", () => `leave --group out: the channel's discussion group is ${linked}`);
    if (!seenGroup.ok) return seenGroup;
    const group = seenGroup.chat;
    if (group.id !== linked) {
      return {
        ok: false,
        problem: `${group.title !== undefined ? JSON.stringify(group.title) : groupRef} is not the channel's discussion group (that is ${linked})`,
        fix: `leave --group out, or pass --group ${linked}`,
      };
    }
  }
  return { ok: true, channel, groupId: linked };
}
