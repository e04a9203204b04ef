// Updates shaped exactly as Telegram delivers them to a webhook.
import type { Update } from 'grammy/types';

interface Sender {
  readonly id: number;
  readonly first_name: string;
  readonly username: string;
}

/** A private-chat text message update; a leading /command gets its bot_command entity. */
export function textUpdate(update_id: number, from: Sender, text: string): Update {
  const command = /^\/\w+/.exec(text)?.[0];
  return {
    update_id,
    message: {
      message_id: update_id * 10,
      date: 1_764_150_000 + update_id,
      chat: { id: from.id, type: 'private', first_name: from.first_name, username: from.username },
      from: { id: from.id, is_bot: false, first_name: from.first_name, username: from.username, language_code: 'en' },
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
    },
  };
}
