/** What `clientes init` tells the operator to do in Telegram, in plain words. */
import { PLAIN, type Style } from "../cli/output.ts";

/** Creating the channel, its discussion group, and making the bot an admin of both. */
export function setupSteps(botName: string, style: Style = PLAIN): string {
  return `${style.heading("Now, in the Telegram app (phone or desktop):")}

  1. Create the support channel: New Channel → a name such as "Support" → Private.
     Your team reads conversations here; customers never see it.
  2. Turn on comments with a new group: open the channel → Edit (Manage Channel) →
     Discussion → Add Group → Create a New Group. Add no one to that group: every
     member could read every conversation. Staff answer in the channel's comments.
  3. Make the bot an admin of the channel: channel → Edit → Administrators →
     Add Admin → search ${botName} → keep "Post Messages", "Edit Messages of Others"
     and "Delete Messages" on → Save.
  4. Make the bot an admin of the group: open the group → Edit → Administrators →
     Add Admin → ${botName} → keep "Delete Messages" and "Pin Messages" on → Save.

When the bot becomes an admin, Telegram tells it so, and clientes finds the channel.
`;
}

