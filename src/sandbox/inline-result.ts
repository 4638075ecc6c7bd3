import type { Stored } from "./content.ts";
import { SandboxUsageError } from "./errors.ts";
import type { FileKind, FileStore } from "./files.ts";
import { formatText } from "./text.ts";
import type { FormatOptions } from "./text.ts";

/** Result types whose own media is posted, and the fields naming the file. */
const MEDIA_RESULTS: Record<string, [FileKind, string, string]> = {
  photo: ["photo", "photo_file_id", "photo_url"],
  gif: ["animation", "gif_file_id", "gif_url"],
  mpeg4_gif: ["animation", "mpeg4_file_id", "mpeg4_url"],
  video: ["video", "video_file_id", "video_url"],
  audio: ["audio", "audio_file_id", "audio_url"],
  voice: ["voice", "voice_file_id", "voice_url"],
  document: ["document", "document_file_id", "document_url"],
  sticker: ["sticker", "sticker_file_id", "sticker_url"],
};

/**
 * What a chosen inline result posts in the chat: its input_message_content, or else the
 * result's own media, location or contact.
 */
export function contentOfInlineResult(result: Record<string, unknown>, files: FileStore, options: FormatOptions): Stored {
  const imc = result.input_message_content as Record<string, unknown> | undefined;
  const format = (text: string, pm: unknown, entities: unknown) =>
    formatText(text, typeof pm === "string" && pm !== "" ? pm : undefined, Array.isArray(entities) ? entities : undefined, options);
  if (imc && typeof imc.message_text === "string") {
    const f = format(imc.message_text, imc.parse_mode, imc.entities);
    return f.entities.length ? { text: f.text, entities: f.entities } : { text: f.text };
  }
  if (imc && imc.latitude !== undefined) {
    const location = { latitude: Number(imc.latitude), longitude: Number(imc.longitude) };
    if (imc.title !== undefined) return { venue: { location, title: String(imc.title), address: String(imc.address ?? "") }, location };
    return { location };
  }
  if (imc && imc.phone_number !== undefined) return { contact: { phone_number: String(imc.phone_number), first_name: String(imc.first_name ?? "") } };
  const type = String(result.type);
  const spec = MEDIA_RESULTS[type];
  if (spec) {
    const [kind, idField, urlField] = spec;
    const ref = String(result[idField] ?? result[urlField] ?? "");
    const media = files.kindOf(ref) === kind ? files.resolve(ref, kind) : files.upload(kind, ref || `${type}-result`);
    const out: Stored = { [kind]: media };
    if (typeof result.caption === "string" && result.caption !== "") {
      const f = format(result.caption, result.parse_mode, result.caption_entities);
      out.caption = f.text;
      if (f.entities.length) out.caption_entities = f.entities;
    }
    return out;
  }
  if (type === "location" || type === "venue") {
    const location = { latitude: Number(result.latitude), longitude: Number(result.longitude) };
    return type === "venue" ? { venue: { location, title: String(result.title), address: String(result.address) }, location } : { location };
  }
  if (type === "contact") return { contact: { phone_number: String(result.phone_number), first_name: String(result.first_name) } };
  throw new SandboxUsageError(`inline result "${String(result.id)}" of type ${type} has no content the sandbox can post`);
}
