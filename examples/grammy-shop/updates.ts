// Updates shaped exactly as Telegram delivers them to a webhook.
import type { MessageEntity, Update } from 'grammy/types';

interface Sender {
  readonly id: number;
  readonly first_name: string;
  readonly username: string;
}

/** A text's entities: a leading /command gets its bot_command entity. */
function entities(text: string): { entities?: MessageEntity[] } {
  const command = /^\/\w+/.exec(text)?.[0];
  return command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {};
}

/** A private-chat text message update. */
export function textUpdate(update_id: number, from: Sender, text: string): Update {
  return {
    update_id,
    message: {
      message_id: update_id * 10,
      date: 1_764_150_000 + update_id,
      chat: { id: from.id, type: 'private', first_name: from.first_name, username: from.username },
      from: { id: from.id, is_bot: false, first_name: from.first_name, username: from.username, language_code: 'en' },
      text,
      ...entities(text),
    },
  };
}

/** A channel. */
interface Channel {
  readonly id: number;
  readonly title: string;
}

/** A post in a channel the bot is in: a message with a chat and no sender (`from` is absent). */
export function channelPostUpdate(update_id: number, channel: Channel, text: string): Update {
  return {
    update_id,
    channel_post: { message_id: update_id * 10, date: 1_764_150_000 + update_id, chat: { id: channel.id, type: 'channel', title: channel.title }, text, ...entities(text) },
  };
}

/** A service update with no sender: the anonymous reaction counts of a channel post changed. */
export function reactionCountUpdate(update_id: number, channel: Channel, message_id: number): Update {
  return {
    update_id,
    message_reaction_count: {
      chat: { id: channel.id, type: 'channel', title: channel.title },
      message_id,
      date: 1_764_150_000 + update_id,
      reactions: [{ type: { type: 'emoji', emoji: '👍' }, total_count: 3 }],
    },
  };
}
