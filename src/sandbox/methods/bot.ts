import type { Engine } from "../engine.ts";
import { ApiError, badRequest } from "../errors.ts";
import type { Params } from "../params.ts";
import type { Handler } from "./common.ts";
import { allowedUpdatesParam } from "./common.ts";
import { WEBHOOK_CONFLICT_DESCRIPTION } from "./webhook.ts";

const SCOPES = new Set(["default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat", "chat_administrators", "chat_member"]);

/** The storage key of a command list: its scope and language. */
function commandsKey(e: Engine, p: Params): string {
  const scope = p.json<Record<string, unknown>>("scope", "bot command scope") ?? { type: "default" };
  if (typeof scope !== "object" || scope === null || Array.isArray(scope)) throw badRequest("object expected as bot command scope");
  const type = String(scope.type ?? "");
  if (!SCOPES.has(type)) throw badRequest("unsupported bot command scope type specified");
  const key: Record<string, unknown> = { type };
  if (type === "chat" || type === "chat_administrators" || type === "chat_member") {
    const chat = e.world.resolveChatParam(String(scope.chat_id ?? ""));
    if (!chat) throw badRequest("chat not found");
    key.chat_id = chat.id;
    if (type === "chat_member") key.user_id = Number(scope.user_id);
  }
  const lang = p.str("language_code");
  if (lang !== "" && !/^[a-z]{2}$/.test(lang)) throw badRequest("invalid language code specified");
  return `${JSON.stringify(key)}|${lang}`;
}

export const botMethods: Record<string, Handler> = {
  getMe(e) {
    const w = e.world;
    return {
      ...w.bot,
      can_join_groups: true,
      can_read_all_group_messages: e.options.canReadAllGroupMessages,
      supports_inline_queries: e.options.supportsInlineQueries,
      can_connect_to_business: false,
      has_main_web_app: false,
    };
  },

  setMyCommands(e, p) {
    const raw = p.json<unknown>("commands", "bot commands");
    if (!Array.isArray(raw)) throw badRequest("expected an Array of BotCommand");
    if (raw.length > 100) throw badRequest("too many bot commands specified");
    const commands = raw.map((c) => {
      const o = (c ?? {}) as Record<string, unknown>;
      const command = String(o.command ?? "").replace(/^\//, "");
      const description = String(o.description ?? "");
      if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest("BOT_COMMAND_INVALID");
      if (description.trim() === "" || description.length > 256) throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      return { command, description };
    });
    const key = commandsKey(e, p);
    if (commands.length === 0) e.commands.delete(key);
    else e.commands.set(key, commands);
    e.feed.emit("settings", { commands: key });
    return true;
  },

  getMyCommands(e, p) {
    return structuredClone(e.commands.get(commandsKey(e, p)) ?? []);
  },

  deleteMyCommands(e, p) {
    e.commands.delete(commandsKey(e, p));
    return true;
  },

  async getUpdates(e, p) {
    if (e.webhook.active) throw new ApiError(409, WEBHOOK_CONFLICT_DESCRIPTION);
    const allowedUpdates = allowedUpdatesParam(p);
    return e.updates.poll({
      offset: p.int("offset"),
      limit: p.int("limit", 100),
      timeout: p.int("timeout"),
      ...(allowedUpdates !== undefined ? { allowedUpdates } : {}),
    });
  },

};
