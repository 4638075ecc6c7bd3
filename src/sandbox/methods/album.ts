import type { TelegramMessageEntity } from "@gramio/types";
import { apiCaption } from "../content.ts";
import type { Stored } from "../content.ts";
import type { Engine } from "../engine.ts";
import { ApiError, badRequest } from "../errors.ts";
import type { FileKind, Media } from "../files.ts";
import type { Params } from "../params.ts";
import { chatParam, checkCanWrite, replyTarget } from "./common.ts";
import type { Handler } from "./common.ts";

const INPUT_MEDIA_TYPES = new Set<FileKind>(["photo", "video", "animation", "audio", "document"]);

/** One InputMedia, parsed: its kind, caption fields, and the file (resolved lazily). */
export interface ParsedMedia {
  kind: FileKind;
  caption: Stored;
  extra: Stored;
  file: () => Media;
}

function fail(text: string): ApiError {
  return badRequest(`can't parse InputMedia: ${text}`);
}

/** Parses an InputMedia object as the Bot API server does (errors prefixed "can't parse InputMedia: "). */
export function parseInputMedia(e: Engine, p: Params, value: unknown, forAlbum: boolean): ParsedMedia {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw fail("expected an Object");
  const item = value as Record<string, unknown>;
  const str = (k: string) => (typeof item[k] === "string" ? (item[k] as string) : item[k] === undefined ? "" : String(item[k]));
  let caption: Stored;
  try {
    caption = apiCaption(str("caption") || undefined, str("parse_mode"), item.caption_entities as TelegramMessageEntity[] | undefined, e.formatOptions);
  } catch (error) {
    throw error instanceof ApiError ? error : fail(String(error));
  }
  const media = str("media");
  const upload = media.startsWith("attach://") ? p.upload(media) : undefined;
  if (media === "" || (media.startsWith("attach://") && !upload)) throw fail("media not found");
  const type = str("type");
  if (type === "") throw fail(`Field "type" must be of type String`);
  if (forAlbum && type === "animation") throw fail(`type "animation" can't be used in sendMediaGroup`);
  if (!INPUT_MEDIA_TYPES.has(type as FileKind)) throw fail(`type "${type}" is unsupported`);
  const kind = type as FileKind;
  const extra: Stored = {};
  if (item.has_spoiler === true && kind !== "audio" && kind !== "document") extra.has_media_spoiler = true;
  if (item.show_caption_above_media === true && "caption" in caption) extra.show_caption_above_media = true;
  return {
    kind,
    caption,
    extra,
    file: upload ? () => e.files.upload(kind, upload.name) : () => e.files.resolve(media, kind),
  };
}

export const albumMethods: Record<string, Handler> = {
  sendMediaGroup(e, p) {
    if (p.str("media") === "") throw badRequest(`parameter "media" is required`);
    const raw = p.json<unknown>("media", "media");
    if (!Array.isArray(raw)) throw badRequest("expected an Array of InputMedia");
    const items = raw.map((m) => parseInputMedia(e, p, m, true));
    if (items.length === 0) throw badRequest("there are no messages to send");
    if (items.length > 10) throw badRequest("too many messages to send as an album");
    for (const only of ["document", "audio"] as const) {
      if (items.some((i) => i.kind === only) && items.some((i) => i.kind !== only)) {
        throw badRequest(`${only} can't be mixed with other media types`);
      }
    }
    const chat = chatParam(e, p);
    checkCanWrite(e, chat);
    // message_thread_id is ignored outside forums; a reply is what puts the album in a thread.
    const parent = replyTarget(e, chat, p);
    const contents = items.map((i) => ({ [i.kind]: i.file(), ...i.caption, ...i.extra }));
    // A single item is sent as an ordinary message, outside any album (as tdlib does).
    const mediaGroupId = contents.length > 1 ? e.world.newMediaGroupId() : undefined;
    return contents.map((content) =>
      e.world.render(
        e.botMessage(chat.id, content, {
          ...(parent ? { replyTo: parent.id } : {}),
          ...(mediaGroupId ? { mediaGroupId } : {}),
        }),
      ),
    );
  },
};
