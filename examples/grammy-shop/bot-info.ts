// What getMe answers for the shop bot: grammY takes it up front, so no call to Telegram is needed.
import type { UserFromGetMe } from 'grammy/types';

/** The shop bot's own account. */
export const SHOP_BOT_INFO: UserFromGetMe = {
  id: 123456,
  is_bot: true,
  first_name: 'Shop',
  username: 'schema_kit_shop_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
