/**
 * The bundled sample images and which Telegram file ids stand for them. The sandbox mints
 * file ids for a "sample name"; the page needs a picture behind each id, so the demo
 * remembers the ids of every photo sent with one of its samples (copies reuse the ids).
 */
import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";

const TYPES: Record<string, string> = {
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
};

/** Shown for a photo whose file id the demo did not see being sent (e.g. one a test posted). */
const UNKNOWN_PHOTO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200">' +
  '<rect width="320" height="200" fill="#dfe6ec"/><text x="160" y="108" font-family="sans-serif" font-size="20" ' +
  'text-anchor="middle" fill="#6b7b8a">photo</text></svg>';

/** An image to send to the browser. */
export interface ImageFile {
  type: string;
  body: Buffer;
}

/** The samples in a folder, and the file ids seen for each. */
export class SampleImages {
  private readonly byFileId = new Map<string, string>();

  private constructor(
    private readonly dir: string,
    /** File names, e.g. "parcel.svg". */
    readonly names: readonly string[],
  ) {}

  /** Lists the images in `dir` (svg, png, jpg). */
  static async open(dir: string): Promise<SampleImages> {
    const names = (await readdir(dir)).filter((n) => TYPES[extname(n).toLowerCase()] !== undefined).sort();
    return new SampleImages(dir, names);
  }

  has(name: string): boolean {
    return this.names.includes(name);
  }

  /**
   * Remembers the photo file ids of a message (as the sandbox returned it) as `sample`.
   * Ignores anything that is not a message with a photo.
   */
  remember(message: unknown, sample: string): void {
    if (!this.has(sample)) return;
    const photo = (message as { photo?: unknown } | null)?.photo;
    if (!Array.isArray(photo)) return;
    for (const size of photo) {
      const id = (size as { file_id?: unknown } | null)?.file_id;
      if (typeof id === "string") this.byFileId.set(id, sample);
    }
  }

  /** The sample behind a file id, if the demo saw it being sent. */
  sampleFor(fileId: string): string | undefined {
    return this.byFileId.get(fileId);
  }

  /** A sample by name. */
  async read(name: string): Promise<ImageFile | undefined> {
    if (!this.has(name)) return undefined;
    return { type: TYPES[extname(name).toLowerCase()]!, body: await readFile(join(this.dir, name)) };
  }

  /** The picture behind a file id: its sample, or a neutral placeholder. */
  async forFileId(fileId: string): Promise<ImageFile> {
    const name = this.sampleFor(fileId);
    const file = name !== undefined ? await this.read(name) : undefined;
    return file ?? { type: TYPES[".svg"]!, body: Buffer.from(UNKNOWN_PHOTO) };
  }
}
