/** A sandbox Telegram plus a config file pointing at it, for the CLI tests of init/check/staff/status. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StaffMember } from "../../src/config/index.ts";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.ts";
import { renderConfig } from "../../src/setup/config-text.ts";
import { tempDir } from "../cli/helpers.ts";

export interface SetupDesk {
  sb: Sandbox;
  dir: string;
  /** Absolute path of the config file (written by writeConfig). */
  config: string;
  close(): Promise<void>;
}

/** Starts a sandbox and a temp folder; nothing is written yet. */
export async function openDesk(opts: SandboxOptions = {}): Promise<SetupDesk> {
  const sb = await startSandbox({ logRequests: true, ...opts });
  const { dir, cleanup } = await tempDir();
  return {
    sb,
    dir,
    config: join(dir, "config.yaml"),
    async close() {
      await sb.close();
      await cleanup();
    },
  };
}

/** Writes a config for the desk's sandbox, as `clientes init` would. */
export async function writeConfig(desk: SetupDesk, over: { staff?: StaffMember[]; channel?: number | string; group?: number | string } = {}): Promise<string> {
  const text = renderConfig({
    token: desk.sb.token,
    apiRoot: desk.sb.apiRoot,
    channel: over.channel ?? desk.sb.channelId,
    group: over.group ?? desk.sb.groupId,
    staff: over.staff ?? [{ id: desk.sb.creator.id, name: "Olivia Owner" }],
    locale: "en",
  });
  await writeFile(desk.config, text, { mode: 0o600 });
  return text;
}
