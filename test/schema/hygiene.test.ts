// DBA hygiene of a fresh full install (issue 29), read from pg_catalog so that it stays true for
// every future migration: foreign keys have a supporting index, text columns have a length bound
// that matches their zod schema, erasure finds events through an index, deleting a conversation
// keeps its dissonance records, and each module's migrations are numbered 0001..N.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { MODULES, type ModuleName } from '../../src/index.js';
import { newEventSchema, personalFieldSchema } from '../../src/modules/audit/validation.js';
import { achievementDefinitionSchema } from '../../src/modules/achievements/validation.js';
import { newRoleSchema, newUserSchema, userPatchSchema } from '../../src/modules/core/validation.js';
import { consumerSchema, messageIdSchema } from '../../src/modules/idempotency/validation.js';
import { newDissonanceSchema } from '../../src/modules/insights/validation.js';
import { newContentPackageSchema } from '../../src/modules/interests/validation.js';
import { exerciseCompletionSchema, newConversationSchema, newExerciseSchema, newMessageSchema, newSummarySchema, toolCallSchema } from '../../src/modules/learning/validation.js';
import { contextUserIdSchema, newFeatureSchema, newProjectSchema, newReleaseSchema } from '../../src/modules/planning/validation.js';
import { recordRoleChangeSchema } from '../../src/modules/roles/validation.js';
import { newBroadcastSchema, newGuideSchema, telegramCommandSchema } from '../../src/modules/telegram/validation.js';
import { sessionKeySchema } from '../../src/modules/sessions/validation.js';
import { vocabularyValue } from '../../src/validation/common.js';
import { useInstalledDatabase } from '../helpers/installed.js';

/** A string of `length` characters the schema would accept if it were short enough. */
type Sample = (length: number) => string;
const letters: Sample = (length) => 'a'.repeat(length);

/** The zod schema that bounds what the library writes into a column, and a sample value maker. */
interface ColumnSchema {
  readonly schema: z.ZodType;
  readonly sample?: Sample;
}

const fieldOf = (object: { shape: Record<string, unknown> }, field: string): ColumnSchema => ({ schema: object.shape[field] as z.ZodType });
const roleChange = recordRoleChangeSchema();
const email: Sample = (length) => 'a'.repeat(length - 12) + '@example.com';
const languageTag: Sample = (length) => (length % 2 === 0 ? 'ab' : 'abc') + '-a'.repeat(Math.floor((length - 2) / 2));

/** Every text column the library writes through a zod schema: `table.column` → the schema. */
const COLUMN_SCHEMAS: Record<string, ColumnSchema> = {
  'users.email': { ...fieldOf(newUserSchema, 'email'), sample: email },
  'users.github_id': fieldOf(newUserSchema, 'github_id'),
  'users.google_id': fieldOf(newUserSchema, 'google_id'),
  'users.name': fieldOf(userPatchSchema, 'name'),
  'users.avatar_url': fieldOf(userPatchSchema, 'avatar_url'),
  'users.skill_level': fieldOf(userPatchSchema, 'skill_level'),
  'users.programming_language': fieldOf(userPatchSchema, 'programming_language'),
  'users.learning_style': fieldOf(userPatchSchema, 'learning_style'),
  'users.career_goals': fieldOf(userPatchSchema, 'career_goals'),
  'users.time_commitment': fieldOf(userPatchSchema, 'time_commitment'),
  'users.telegram_username': fieldOf(userPatchSchema, 'telegram_username'),
  'users.telegram_first_name': fieldOf(userPatchSchema, 'telegram_first_name'),
  'users.telegram_last_name': fieldOf(userPatchSchema, 'telegram_last_name'),
  'users.language_code': { ...fieldOf(userPatchSchema, 'language_code'), sample: languageTag },
  'users.role': fieldOf(newUserSchema, 'role'),
  'roles.name': fieldOf(newRoleSchema, 'name'),
  'roles.description': fieldOf(newRoleSchema, 'description'),
  'event_log.user_id': fieldOf(newEventSchema, 'user_id'),
  'event_log.action': fieldOf(newEventSchema, 'action'),
  'event_log.entity_type': fieldOf(newEventSchema, 'entity_type'),
  'event_log.entity_id': fieldOf(newEventSchema, 'entity_id'),
  'event_log_personal_fields.action': fieldOf(personalFieldSchema, 'action'),
  'processed_messages.consumer': { schema: consumerSchema },
  'processed_messages.message_id': { schema: messageIdSchema },
  'sessions.key': { schema: sessionKeySchema },
  'achievements.name': fieldOf(achievementDefinitionSchema, 'name'),
  'achievements.slug': fieldOf(achievementDefinitionSchema, 'slug'),
  'achievements.title': fieldOf(achievementDefinitionSchema, 'title'),
  'achievements.description': fieldOf(achievementDefinitionSchema, 'description'),
  'achievements.category': fieldOf(achievementDefinitionSchema, 'category'),
  'achievements.requirement_description': fieldOf(achievementDefinitionSchema, 'requirement_description'),
  'achievements.icon_url': fieldOf(achievementDefinitionSchema, 'icon_url'),
  'achievements.badge_color': fieldOf(achievementDefinitionSchema, 'badge_color'),
  'dissonance_records.transcript': fieldOf(newDissonanceSchema, 'transcript'),
  'dissonance_records.interpretation': fieldOf(newDissonanceSchema, 'interpretation'),
  'dissonance_records.risk_level': fieldOf(newDissonanceSchema, 'risk_level'),
  'content_packages.title': fieldOf(newContentPackageSchema, 'title'),
  'content_packages.description': fieldOf(newContentPackageSchema, 'description'),
  'content_packages.category': fieldOf(newContentPackageSchema, 'category'),
  'content_packages.package_type': fieldOf(newContentPackageSchema, 'package_type'),
  'content_packages.slug': fieldOf(newContentPackageSchema, 'slug'),
  'conversations.title': fieldOf(newConversationSchema, 'title'),
  'messages.model': fieldOf(newMessageSchema, 'model'),
  'messages.finish_reason': fieldOf(newMessageSchema, 'finish_reason'),
  'messages.tool_call_id': fieldOf(newMessageSchema, 'tool_call_id'),
  'message_tool_calls.call_id': fieldOf(toolCallSchema, 'id'),
  'conversation_summaries.content': fieldOf(newSummarySchema, 'content'),
  'conversation_summaries.model': fieldOf(newSummarySchema, 'model'),
  'conversation_usage.model': fieldOf(newMessageSchema, 'model'),
  'exercises.title': fieldOf(newExerciseSchema, 'title'),
  'exercises.description': fieldOf(newExerciseSchema, 'description'),
  'exercises.exercise_type': fieldOf(newExerciseSchema, 'exercise_type'),
  'exercises.difficulty': fieldOf(newExerciseSchema, 'difficulty'),
  'exercises.programming_language': fieldOf(newExerciseSchema, 'programming_language'),
  'exercises.starter_code': fieldOf(newExerciseSchema, 'starter_code'),
  'exercises.solution': fieldOf(newExerciseSchema, 'solution'),
  'user_exercises.submitted_code': fieldOf(exerciseCompletionSchema, 'submitted_code'),
  'user_exercises.feedback': fieldOf(exerciseCompletionSchema, 'feedback'),
  'user_memory.preferred_difficulty': { schema: vocabularyValue },
  'projects.name': fieldOf(newProjectSchema, 'name'),
  'projects.description': fieldOf(newProjectSchema, 'description'),
  'releases.version': fieldOf(newReleaseSchema, 'version'),
  'features.name': fieldOf(newFeatureSchema, 'name'),
  'features.description': fieldOf(newFeatureSchema, 'description'),
  'features.status_reason': fieldOf(newFeatureSchema, 'status_reason'),
  'features.assigned_po': fieldOf(newFeatureSchema, 'assigned_po'),
  'user_context.user_id': { schema: contextUserIdSchema },
  'user_role_change_log.previous_role': fieldOf(roleChange, 'previous_role'),
  'user_role_change_log.new_role': fieldOf(roleChange, 'new_role'),
  'user_role_change_log.changed_by': fieldOf(roleChange, 'changed_by'),
  'user_role_change_log.reason': fieldOf(roleChange, 'reason'),
  'user_role_change_log.change_source': fieldOf(roleChange, 'change_source'),
  'guides.title': fieldOf(newGuideSchema, 'title'),
  'guides.description': fieldOf(newGuideSchema, 'description'),
  'guides.content_url': fieldOf(newGuideSchema, 'content_url'),
  'guides.category': fieldOf(newGuideSchema, 'category'),
  'guides.difficulty_level': fieldOf(newGuideSchema, 'difficulty_level'),
  'broadcasts.title': fieldOf(newBroadcastSchema, 'title'),
  'broadcasts.message_text': fieldOf(newBroadcastSchema, 'message_text'),
  'broadcasts.message_type': fieldOf(newBroadcastSchema, 'message_type'),
  'broadcasts.target_audience': fieldOf(newBroadcastSchema, 'target_audience'),
  'broadcasts.audience_category': { schema: vocabularyValue },
  'telegram_commands.command': fieldOf(telegramCommandSchema, 'command'),
  'telegram_commands.description': fieldOf(telegramCommandSchema, 'description'),
  'telegram_commands.required_role': fieldOf(telegramCommandSchema, 'required_role'),
};

/** Text columns deliberately without a length bound in the database, and why. */
const UNBOUNDED: Record<string, string> = {
  'messages.content':
    'the hot table of the largest values: zod bounds it (1,000,000 characters) and a CHECK would detoast every message on validation and add a per-row cost',
  'user_memory.learning_pace': 'no repository writes it (no zod schema): the host sets it with its own SQL',
  'lifecycle_log.performed_by': 'written by the database only (session_user, a role name of at most 63 bytes)',
  'lifecycle_partitioned_logs.name': 'written by the migrations only (lifecycle_rebuild_table), a table name of at most 63 bytes',
  'schema_kit_migrations.module': 'the runner history: module names from the descriptors',
  'schema_kit_migrations.name': 'the runner history: migration file names',
  'schema_kit_migrations.checksum': 'the runner history: sha256 hex digests (64 characters)',
  'schema_kit_modules.module': 'the runner history: module names from the descriptors',
};

/** The most characters an anchored regular expression of character classes, literals and bounded
 * quantifiers matches; Infinity when it has `*`, `+`, groups or alternation. */
function regexMaxLength(pattern: string): number {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || /[()|*+]/.test(pattern.replace(/\\./g, ''))) return Infinity;
  let total = 0;
  let i = 1;
  while (i < pattern.length - 1) {
    if (pattern[i] === '[') i = pattern.indexOf(']', i + 2) + 1;
    else i += pattern[i] === '\\' ? 2 : 1;
    const quantifier = /^(?:\{(\d+)(?:,(\d*))?\}|\?)/.exec(pattern.slice(i));
    if (quantifier?.[0] === '?') total += 1;
    else if (quantifier) {
      if (quantifier[2] === '') return Infinity;
      total += Number(quantifier[2] ?? quantifier[1]);
    } else total += 1;
    i += quantifier?.[0].length ?? 0;
  }
  return total;
}

/** The bound a CHECK definition (pg_get_constraintdef) puts on `column`'s length, or Infinity. */
function checkBound(definition: string, column: string): number {
  const name = column.replace(/[^a-z0-9_]/g, '');
  const bounds = [
    ...[...definition.matchAll(new RegExp(`(?:char_length|octet_length)\\(${name}\\) <= (\\d+)`, 'g'))].map((m) => Number(m[1])),
    ...[...definition.matchAll(new RegExp(`\\(${name} ~ '((?:[^']|'')*)'::text\\)`, 'g'))].map((m) => regexMaxLength(m[1]!.replace(/''/g, "'"))),
    ...[...definition.matchAll(new RegExp(`\\(${name} = ANY \\(ARRAY\\[((?:'(?:[^']|'')*'::text(?:, )?)+)\\]\\)\\)`, 'g'))].map((m) =>
      Math.max(...[...m[1]!.matchAll(/'((?:[^']|'')*)'::text/g)].map((v) => v[1]!.replace(/''/g, "'").length)),
    ),
  ];
  return Math.min(Infinity, ...bounds);
}

/** The longest string of `sample` that `schema` accepts (Infinity: longer than 2,000,000 too). */
function zodMaxLength({ schema, sample = letters }: ColumnSchema): number {
  const accepts = (length: number) => schema.safeParse(sample(length)).success;
  const ceiling = 2_000_001;
  if (accepts(ceiling)) return Infinity;
  let low = 16; // every bound here is longer, and every sample fits in 16 characters
  let high = ceiling;
  expect(accepts(low), 'the sample of 16 characters is accepted').toBe(true);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (accepts(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/** A node of an EXPLAIN (FORMAT JSON) plan. */
interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Plan Rows': number;
  readonly Plans?: readonly PlanNode[];
}

/** `node` and every node under it. */
const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

const ALL = MODULES.map((m) => m.name) as ModuleName[];

describe('DBA hygiene of a fresh full install', () => {
  const database = useInstalledDatabase(ALL, { as: 'owner' });
  const q = async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) => (await database().pool.query<R>(text, values)).rows;
  const one = async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) => (await q<R>(text, values))[0]!;

  it('gives every foreign key a supporting index (its columns lead it, or a prefix that alone identifies the referenced row)', async () => {
    const unsupported = await q<{ fk: string }>(`
      select c.conrelid::regclass || '.' || c.conname as fk
      from pg_constraint c join pg_class r on r.oid = c.conrelid
      where c.contype = 'f' and r.relnamespace = 'schema_kit'::regnamespace and not r.relispartition
        and not exists (
          select from pg_index i, generate_series(1, cardinality(c.conkey)) k
          where i.indrelid = c.conrelid
            and (i.indkey::int2[])[0:k - 1] <@ c.conkey and cardinality((i.indkey::int2[])[0:k - 1]) = k
            and (k = cardinality(c.conkey) or exists (
              select from pg_index u
              where u.indrelid = c.confrelid and u.indisunique and u.indpred is null
                and u.indkey::int2[] <@ array(select c.confkey[p] from generate_subscripts(c.conkey, 1) p where c.conkey[p] = any ((i.indkey::int2[])[0:k - 1])))))
      order by 1`);
    expect(unsupported).toEqual([]);
  });

  it('bounds the length of every text column as its zod schema does, or says why not', async () => {
    const columns = await q<{ key: string; typmod: number; checks: string[] | null; fk_bound: string | null }>(`
      select c.relname || '.' || a.attname as key, a.atttypmod as typmod,
        (select array_agg(pg_get_constraintdef(k.oid)) from pg_constraint k
          where k.conrelid = c.oid and k.contype = 'c' and k.convalidated and a.attnum = any (k.conkey)) as checks,
        (select f.confrelid::regclass::text || '.' || fa.attname from pg_constraint f
          join pg_attribute fa on fa.attrelid = f.confrelid and fa.attnum = f.confkey[1]
          where f.conrelid = c.oid and f.contype = 'f' and f.conkey = array[a.attnum] limit 1) as fk_bound
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relnamespace = 'schema_kit'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
        and a.attnum > 0 and not a.attisdropped and a.atttypid in ('text'::regtype, 'varchar'::regtype)
      order by 1`);
    const byKey = new Map(columns.map((column) => [column.key, column]));
    const boundOf = (key: string): number => {
      const column = byKey.get(key.replace(/^schema_kit\./, ''));
      if (!column) return Infinity;
      const column_name = key.split('.').pop()!;
      return Math.min(
        column.typmod > 0 ? column.typmod - 4 : Infinity,
        ...(column.checks ?? []).map((definition) => checkBound(definition, column_name)),
        column.fk_bound ? boundOf(column.fk_bound) : Infinity,
      );
    };
    const problems: string[] = [];
    for (const { key } of columns) {
      const bound = boundOf(key);
      const schema = COLUMN_SCHEMAS[key];
      if (key in UNBOUNDED) {
        if (bound !== Infinity) problems.push(`${key} is bounded (${bound}): remove it from UNBOUNDED`);
        continue;
      }
      if (bound === Infinity) problems.push(`${key} has no length bound`);
      else if (schema && zodMaxLength(schema) !== bound) problems.push(`${key}: database ${bound}, zod ${zodMaxLength(schema)}`);
    }
    const stale = Object.keys({ ...COLUMN_SCHEMAS, ...UNBOUNDED }).filter((key) => !byKey.has(key));
    expect({ problems, stale }).toEqual({ problems: [], stale: [] });
  });

  it('finds the events naming an identifier through the erasure index, on every partition, later ones included', async () => {
    await q(`select schema_kit.create_partitions('event_log', 6)`);
    const unindexed = await q(`
      select c.oid::regclass::text as partition from pg_inherits p join pg_class c on c.oid = p.inhrelid
      where p.inhparent = 'schema_kit.event_log'::regclass and not exists (
        select from pg_index x join pg_inherits a on a.inhrelid = x.indexrelid
        where x.indrelid = c.oid and a.inhparent = 'schema_kit.event_log_erasure_keys_idx'::regclass)`);
    expect(unindexed).toEqual([]);
    expect(await one(`select indisvalid from pg_index where indexrelid = 'schema_kit.event_log_erasure_keys_idx'::regclass`)).toEqual({ indisvalid: true });

    await q(`insert into schema_kit.event_log (user_id, action, entity_type, entity_id, details)
             select 'tg:' || i, 'hygiene', 'thing', i::text, jsonb_build_object('by', jsonb_build_object('mail', 'm' || i || '@example.com'))
             from generate_series(1, 20000) i`);
    await q('analyze schema_kit.event_log');
    // the lookup event_log_pseudonymize runs (audit/0005), for an identifier found only deep in details
    const { 'QUERY PLAN': [{ Plan: plan }] } = await one<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) select from schema_kit.event_log e
      where schema_kit.event_log_erasure_keys(e.user_id, e.entity_id, e.details) && array['m7@example.com']`);
    // the partition holding the rows is read through its index; only empty ones may be read whole
    expect(planNodes(plan).filter((node) => /^event_log_p\d{6}_erasure_keys_idx$/.test(node['Index Name'] ?? ''))).toHaveLength(1);
    expect(planNodes(plan).filter((node) => node['Node Type'] === 'Seq Scan' && node['Plan Rows'] > 1)).toEqual([]);

    const pseudonym = `erased:${(await one<{ id: string }>('select gen_random_uuid()::text as id')).id}`;
    const { changed } = await one<{ changed: string }>(`select schema_kit.event_log_pseudonymize(array['m7@example.com'], $1) as changed`, [pseudonym]);
    expect(Number(changed)).toBe(1);
    expect(await q(`select details from schema_kit.event_log where entity_id = '7' and action = 'hygiene'`)).toEqual([{ details: { by: { mail: pseudonym } } }]);
  });

  it('keeps the dissonance records of a deleted conversation, critical ones included', async () => {
    const { user } = await one<{ user: string }>(`insert into schema_kit.users default values returning id as user`);
    const { conversation } = await one<{ conversation: string }>(`insert into schema_kit.conversations (user_id) values ($1) returning id as conversation`, [user]);
    await q(`insert into schema_kit.dissonance_records (user_id, conversation_id, dissonance_score, risk_level) values ($1, $2, 0.99, 'critical'), ($1, $2, 0.1, 'low')`, [user, conversation]);
    await q(`delete from schema_kit.conversations where id = $1`, [conversation]);
    expect(await q(`select risk_level, conversation_id from schema_kit.dissonance_records where user_id = $1 order by dissonance_score`, [user]))
      .toEqual([{ risk_level: 'low', conversation_id: null }, { risk_level: 'critical', conversation_id: null }]);
  });
});

describe('migration numbering', () => {
  const root = fileURLToPath(new URL('../../migrations/', import.meta.url));
  it.each(readdirSync(root))('numbers the migrations of %s 0001..N, without gap or duplicate', (module) => {
    const numbers = readdirSync(root + module).map((file) => Number(/^(\d{4})_[a-z0-9_]+\.sql$/.exec(file)?.[1]));
    expect(numbers.toSorted((a, b) => a - b)).toEqual(numbers.map((_, index) => index + 1));
  });
});
