import { randomBytes } from 'node:crypto';
import { toSchemaKitError } from '../database-errors.js';
import { type Achievement, type AchievementDefinitionInput, AchievementRepo } from '../modules/achievements/index.js';
import { type NewUserInput, type TelegramUserInput, type User, UserRepo } from '../modules/core/index.js';
import { type ContentPackage, type NewContentPackage } from '../modules/interests/index.js';
import { type Conversation, type ConversationMessage, ConversationRepo, type NewConversationInput, type NewMessageInput } from '../modules/learning/index.js';
import { type Feature, FeatureRepo, type NewFeatureInput, type NewProjectInput, type Project, ProjectRepo } from '../modules/planning/index.js';
import { repoContext, type Executor, type RepoOptions } from '../repos/repo-context.js';

/** A project and the feature the factory made in it. */
export interface ProjectWithFeature {
  readonly project: Project;
  readonly feature: Feature;
}

/** A conversation and the messages the factory added to it, in order. */
export interface ConversationWithMessages {
  readonly conversation: Conversation;
  readonly messages: readonly ConversationMessage[];
}

/** Overrides of {@link Factories.projectWithFeature}. */
export interface ProjectWithFeatureOverrides {
  readonly project?: Partial<NewProjectInput>;
  readonly feature?: Partial<Omit<NewFeatureInput, 'project_id'>>;
}

/** Overrides of {@link Factories.conversationWithMessages}. */
export interface ConversationOverrides extends Partial<NewConversationInput> {
  /** The messages to add; default: a user question and an assistant answer. */
  readonly messages?: readonly NewMessageInput[];
}

/**
 * Makes the rows tests need most, with defaults that satisfy every constraint and are unique per
 * call (emails, Telegram ids, names, slugs), and typed overrides. Each goes through its repository,
 * so it is validated as the host's own writes are.
 */
export interface Factories {
  /** A `users` row (core): a unique email, role `public`. */
  user(overrides?: Partial<NewUserInput>): Promise<User>;
  /** A user known by Telegram (core), created as a bot's first message creates it. */
  telegramUser(overrides?: Partial<TelegramUserInput>): Promise<User>;
  /** A project and a feature in it (planning), audited as {@link FactoryOptions} say. */
  projectWithFeature(overrides?: ProjectWithFeatureOverrides): Promise<ProjectWithFeature>;
  /** A `content_packages` row (interests): a free guide. */
  contentPackage(overrides?: Partial<NewContentPackage>): Promise<ContentPackage>;
  /** An achievement (achievements): category `special`, 10 points. */
  achievement(overrides?: Partial<AchievementDefinitionInput>): Promise<Achievement>;
  /** A conversation (learning) of a new user unless `user_id` is given, with its messages. */
  conversationWithMessages(overrides?: ConversationOverrides): Promise<ConversationWithMessages>;
}

/** Options of {@link createFactories}. */
export interface FactoryOptions extends RepoOptions {
  /** Whether the planning writes append their events to `event_log` (needs the audit module). Default true. */
  readonly audit?: boolean;
  /** The actor of audited planning writes. Default `'schema-kit/testing'`. */
  readonly actor?: string;
}

/**
 * The {@link Factories} over the host's Kysely instance or transaction (schema-kit's schema by
 * default, `options.schema` otherwise).
 *
 * ### Examples
 * ```ts
 * const make = createFactories(db);
 * const ada = await make.user({ name: 'Ada' });
 * const { project, feature } = await make.projectWithFeature({ feature: { status: 'in_progress' } });
 * ```
 */
export function createFactories(db: Executor, options: FactoryOptions = {}): Factories {
  const { audit, actor = 'schema-kit/testing', ...repoOptions } = options;
  const run = randomBytes(3).toString('hex');
  let count = 0;
  const unique = () => `${run}-${(count += 1)}`;
  const telegramBase = 1_000_000_000 + Math.floor(Math.random() * 8_000_000_000_000);
  const uniqueNumber = () => telegramBase + (count += 1);
  const users = new UserRepo(db, repoOptions);
  const projects = new ProjectRepo(db, { ...repoOptions, audit });
  const features = new FeatureRepo(db, { ...repoOptions, audit });
  const achievements = new AchievementRepo(db, repoOptions);
  const conversations = new ConversationRepo(db, repoOptions);
  const user = (overrides: Partial<NewUserInput> = {}) => users.create({ email: `user-${unique()}@example.test`, ...overrides });

  return {
    user,
    async telegramUser(overrides = {}) {
      const id = unique();
      const { user: created } = await users.upsertTelegramUser({
        telegram_id: uniqueNumber(),
        telegram_username: `user_${id.replace(/-/g, '_')}`,
        telegram_first_name: 'Test',
        ...overrides,
      });
      return created;
    },
    async projectWithFeature(overrides = {}) {
      const project = await projects.create({ name: `Project ${unique()}`, ...overrides.project }, { actor });
      const feature = await features.create({ name: `Feature ${unique()}`, ...overrides.feature, project_id: project.id }, { actor });
      return { project, feature };
    },
    async contentPackage(overrides = {}) {
      // no repository writes content_packages yet: a typed insert on the scoped executor
      try {
        return await repoContext(db, repoOptions)
          .db.insertInto('content_packages')
          .values({ title: `Package ${unique()}`, category: 'guide', package_type: 'free', ...overrides })
          .returningAll()
          .executeTakeFirstOrThrow();
      } catch (error) {
        throw toSchemaKitError(error);
      }
    },
    async achievement(overrides = {}) {
      const id = unique();
      const { achievement } = await achievements.define({
        slug: `achievement-${id}`,
        name: `Achievement ${id}`,
        title: `Achievement ${id}`,
        category: 'special',
        points: 10,
        ...overrides,
      });
      return achievement;
    },
    async conversationWithMessages(overrides = {}) {
      const { messages: wanted, ...fields } = overrides;
      const user_id = fields.user_id ?? (await user()).id;
      const conversation = await conversations.start({ title: `Conversation ${unique()}`, ...fields, user_id });
      const messages = await conversations.addMessages(
        conversation.id,
        wanted ?? [
          { role: 'user', content: 'How do I reverse a list?' },
          { role: 'assistant', content: 'Call reverse() on it, or slice it with [::-1].' },
        ],
      );
      return { conversation, messages };
    },
  };
}
