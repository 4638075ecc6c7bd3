/**
 * Explicit `entities` / `caption_entities`: the Bot API server's get_text_entity (JSON checks,
 * automatic types ignored) followed by tdlib's get_message_entities (links checked).
 */
import { makeEntity, T, type Entity, type EntityType } from "./entity.ts";
import { checkLink, getLinkUserId } from "./links.ts";
import { TdError } from "./td-error.ts";
import { toIntegerSafe } from "./utf8.ts";

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Text of a JSON scalar as td's JSON parser keeps it (numbers stay in their written form). */
function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return undefined;
}

function requiredInteger(object: JsonObject, name: string, bits: 32 | 64): bigint {
  if (!(name in object) || object[name] === undefined) throw new TdError(`Can't find field "${name}"`);
  const text = scalarText(object[name]);
  if (text === undefined) throw new TdError(`Field "${name}" must be a Number`);
  const value = toIntegerSafe(text);
  const limit = bits === 32 ? 2n ** 31n : 2n ** 63n;
  if (value === undefined || value >= limit || value < -limit) throw new TdError(`Field "${name}" must be a valid Number`);
  return value;
}

function requiredString(object: JsonObject, name: string): string {
  if (!(name in object) || object[name] === undefined) throw new TdError(`Can't find field "${name}"`);
  const text = scalarText(object[name]);
  if (text === undefined) throw new TdError(`Field "${name}" must be of type String`);
  return text;
}

function optionalString(object: JsonObject, name: string): string {
  if (!(name in object) || object[name] === undefined) return "";
  const text = scalarText(object[name]);
  if (text === undefined) throw new TdError(`Field "${name}" must be of type String`);
  return text;
}

const SIMPLE_TYPES: Record<string, EntityType> = {
  bold: T.Bold,
  italic: T.Italic,
  underline: T.Underline,
  strikethrough: T.Strikethrough,
  spoiler: T.Spoiler,
  code: T.Code,
  blockquote: T.BlockQuote,
  expandable_blockquote: T.ExpandableBlockQuote,
};

/** Telegram finds these itself; the Bot API drops them from the request. */
const AUTOMATIC_TYPES = new Set(["mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "bank_card_number"]);

/** One entity, or undefined when the Bot API ignores it. */
function parseEntity(value: unknown): Entity | undefined {
  if (!isObject(value)) throw new TdError("expected an Object");
  const offset = Number(requiredInteger(value, "offset", 32));
  const length = Number(requiredInteger(value, "length", 32));
  const type = requiredString(value, "type");
  if (type === "") throw new TdError("Type is not specified");

  const simple = SIMPLE_TYPES[type];
  if (simple !== undefined) return makeEntity(simple, offset, length);
  if (type === "pre") {
    const language = optionalString(value, "language");
    return language === "" ? makeEntity(T.Pre, offset, length) : makeEntity(T.PreCode, offset, length, language);
  }
  if (type === "text_link") return makeEntity(T.TextUrl, offset, length, requiredString(value, "url"));
  if (type === "text_mention") {
    if (!("user" in value) || value.user === undefined) throw new TdError(`Can't find field "user"`);
    if (!isObject(value.user)) throw new TdError(`Field "user" must be of type Object`);
    const entity = makeEntity(T.MentionName, offset, length);
    entity.userId = Number(requiredInteger(value.user, "id", 64));
    return entity;
  }
  if (type === "custom_emoji") {
    const entity = makeEntity(T.CustomEmoji, offset, length);
    entity.customEmojiId = requiredInteger(value, "custom_emoji_id", 64).toString();
    return entity;
  }
  if (AUTOMATIC_TYPES.has(type)) return undefined;
  throw new TdError("Unsupported type specified");
}

/**
 * The entities a bot passed explicitly, checked like Telegram does. A non-array value is ignored,
 * as the Bot API server ignores an `entities` field it cannot decode.
 */
export function parseInputEntities(value: unknown): Entity[] {
  if (!Array.isArray(value)) return [];
  const entities: Entity[] = [];
  for (const item of value) {
    let entity: Entity | undefined;
    try {
      entity = parseEntity(item);
    } catch (e) {
      if (e instanceof TdError) throw new TdError(`Can't parse MessageEntity: ${e.message}`);
      throw e;
    }
    if (!entity) continue;
    if (entity.type === T.TextUrl) {
      const userId = getLinkUserId(entity.argument);
      if (userId !== 0) {
        const mention = makeEntity(T.MentionName, entity.offset, entity.length);
        mention.userId = userId;
        entities.push(mention);
        continue;
      }
      try {
        entity.argument = checkLink(entity.argument);
      } catch (e) {
        if (e instanceof TdError) throw new TdError(`Entity ${e.message}`);
        throw e;
      }
    }
    if (entity.type === T.CustomEmoji && entity.customEmojiId === "0") {
      throw new TdError("Invalid custom emoji identifier specified");
    }
    entities.push(entity);
  }
  return entities;
}
