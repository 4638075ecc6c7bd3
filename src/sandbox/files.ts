import { badRequest } from "./errors.ts";

/** The file-bearing message kinds. */
export type FileKind = "photo" | "video" | "animation" | "document" | "audio" | "voice" | "video_note" | "sticker";

export const FILE_KINDS: readonly FileKind[] = ["photo", "video", "animation", "document", "audio", "voice", "video_note", "sticker"];

/** tdlib's names for file types, as they appear in "can't use file of type X as Y". */
const TYPE_NAME: Record<FileKind, string> = {
  photo: "Photo",
  video: "Video",
  animation: "Animation",
  document: "Document",
  audio: "Audio",
  voice: "VoiceNote",
  video_note: "VideoNote",
  sticker: "Sticker",
};

/** Leading bytes of real file ids per type, so ids look like Telegram's. */
const ID_PREFIX: Record<FileKind, string> = {
  photo: "AgACAgEAAxkBAA",
  video: "BAACAgEAAxkBAA",
  animation: "CgACAgEAAxkBAA",
  document: "BQACAgEAAxkBAA",
  audio: "CQACAgEAAxkBAA",
  voice: "AwACAgEAAxkBAA",
  video_note: "DQACAgEAAxkBAA",
  sticker: "CAACAgEAAxkBAA",
};

const MIME: Partial<Record<FileKind, string>> = {
  video: "video/mp4",
  animation: "video/mp4",
  audio: "audio/mpeg",
  voice: "audio/ogg",
};

/** What a message carries for a file kind: PhotoSize[] for photos, one object otherwise. */
export type Media = Record<string, unknown> | Array<Record<string, unknown>>;

interface StoredFile {
  kind: FileKind;
  media: Media;
  /** The sample name or upload file name it was minted from. */
  name: string;
}

function base64url(s: string): string {
  return Buffer.from(s).toString("base64url");
}

function mimeOf(kind: FileKind, name: string): string | undefined {
  if (kind !== "document") return MIME[kind];
  const ext = name.split(".").pop()?.toLowerCase();
  const byExt: Record<string, string> = {
    pdf: "application/pdf",
    txt: "text/plain",
    zip: "application/zip",
    png: "image/png",
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
    csv: "text/csv",
    json: "application/json",
  };
  return (ext && byExt[ext]) || "application/octet-stream";
}

/**
 * Files known to the sandbox. Each upload (a person sending a "sample", a bot sending a URL or
 * a multipart file) mints new ids; the store remembers each id's type, so sending it with the
 * wrong method fails as Telegram does.
 */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private seq = 0;

  /** Mints a new file of this kind and returns what a message shows for it. */
  upload(kind: FileKind, sampleName: string): Media {
    const id = () => {
      const n = ++this.seq;
      return {
        file_id: `${ID_PREFIX[kind]}${base64url(`sandbox/${kind}/${n}/${sampleName}`)}`,
        file_unique_id: `AQAD${base64url(`u${n}`)}`,
      };
    };
    const size = 1000 + sampleName.length * 37;
    let media: Media;
    switch (kind) {
      case "photo":
        media = [
          { ...id(), file_size: Math.round(size / 8), width: 90, height: 90 },
          { ...id(), file_size: Math.round(size / 2), width: 320, height: 320 },
          { ...id(), file_size: size, width: 800, height: 800 },
        ];
        break;
      case "video":
        media = { ...id(), width: 640, height: 360, duration: 5, file_name: sampleName, mime_type: MIME.video, file_size: size };
        break;
      case "animation":
        media = { ...id(), width: 320, height: 240, duration: 3, file_name: sampleName, mime_type: MIME.animation, file_size: size };
        break;
      case "document":
        media = { ...id(), file_name: sampleName, mime_type: mimeOf("document", sampleName), file_size: size };
        break;
      case "audio":
        media = { ...id(), duration: 180, title: sampleName, file_name: sampleName, mime_type: MIME.audio, file_size: size };
        break;
      case "voice":
        media = { ...id(), duration: 4, mime_type: MIME.voice, file_size: size };
        break;
      case "video_note":
        media = { ...id(), length: 240, duration: 6, file_size: size };
        break;
      case "sticker":
        media = { ...id(), type: "regular", width: 512, height: 512, is_animated: false, is_video: false, emoji: "🙂", file_size: size };
        break;
    }
    const stored: StoredFile = { kind, media, name: sampleName };
    for (const one of Array.isArray(media) ? media : [media]) this.byId.set(String(one.file_id), stored);
    return structuredClone(media);
  }

  /** The sample name a file was minted from, or undefined. */
  sampleNameOf(fileId: string): string | undefined {
    return this.byId.get(fileId)?.name;
  }

  /** The kind of a known file id, or undefined. */
  kindOf(fileId: string): FileKind | undefined {
    return this.byId.get(fileId)?.kind;
  }

  /**
   * What a bot's `photo`/`document`/… parameter designates: a known file id of a compatible
   * kind, or an HTTP URL (downloaded, i.e. a new upload). Errors are Telegram's.
   */
  resolve(value: string, expected: FileKind): Media {
    if (/^https?:\/\//i.test(value)) {
      const name = value.split(/[?#]/)[0]?.split("/").pop() || "file";
      return this.upload(expected, name);
    }
    const stored = this.byId.get(value);
    if (!stored) throw badRequest("wrong file identifier/HTTP URL specified");
    if (stored.kind !== expected) throw badRequest(`can't use file of type ${TYPE_NAME[stored.kind]} as ${TYPE_NAME[expected]}`);
    return structuredClone(stored.media);
  }

  /**
   * For a person's Content: reuse the file when the string is a known id of this kind,
   * otherwise mint a new upload named after the sample.
   */
  sample(kind: FileKind, nameOrId: string): Media {
    const stored = this.byId.get(nameOrId);
    if (stored && stored.kind === kind) return structuredClone(stored.media);
    return this.upload(kind, nameOrId);
  }
}
