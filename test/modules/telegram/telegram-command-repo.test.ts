import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { RoleRepo, SchemaKitNotFoundError, SchemaKitValidationError } from '../../../src/index.js';
import { TelegramCommandRepo } from '../../../src/modules/telegram/index.js';
import { useInstalledDatabase } from '../../helpers/installed.js';

describe('TelegramCommandRepo', () => {
  const database = useInstalledDatabase(['telegram']);
  const commands = () => new TelegramCommandRepo(database().db);
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from schema_kit.telegram_commands`.execute(database().db)).rows[0]!.n;

  it('defines commands (upsert), and answers which a role may run by rank', async () => {
    expect(await commands().define({ command: 'start', description: 'Start' })).toMatchObject({ command: 'start', required_role: 'public', is_enabled: true });
    await commands().define({ command: 'guides', description: 'Guides', required_role: 'subscriber' });
    await commands().define({ command: 'ban', description: 'Ban a member', required_role: 'moderator' });
    await commands().define({ command: 'stats', description: 'Stats', required_role: 'owner' });
    // a second define changes the given fields, keeps the rest
    expect(await commands().define({ command: 'ban', description: 'Ban someone' })).toMatchObject({ description: 'Ban someone', required_role: 'moderator' });

    const names = async (role: string) => (await commands().listForRole(role)).map((c) => c.command);
    expect(await names('public')).toEqual(['start']);
    expect(await names('student')).toEqual(['guides', 'start']); // rank 1, like subscriber
    expect(await names('admin')).toEqual(['ban', 'guides', 'start']); // rank 2, like moderator
    expect(await names('owner')).toEqual(['ban', 'guides', 'start', 'stats']);
    expect(await names('nobody')).toEqual([]);

    expect(await commands().allows('ban', 'moderator')).toBe(true);
    expect(await commands().allows('ban', 'subscriber')).toBe(false);
    expect(await commands().allows('missing', 'owner')).toBe(false);
    await commands().setEnabled('ban', false);
    expect(await commands().allows('ban', 'owner')).toBe(false);
    expect(await names('owner')).toEqual(['guides', 'start', 'stats']);
    expect((await commands().list()).map((c) => [c.command, c.is_enabled])).toEqual([['ban', false], ['guides', true], ['start', true], ['stats', true]]);
    expect(await commands().get('ban')).toMatchObject({ is_enabled: false });

    // a host role takes part by its rank
    await new RoleRepo(database().db).add({ name: 'vip', rank: 2 });
    expect(await commands().allows('stats', 'vip')).toBe(false);
    expect(await names('vip')).toEqual(['guides', 'start']);
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const before = await count();
    for (const [call, field] of [
      [() => commands().define({ command: '/start', description: 'x' }), 'command.command'],
      [() => commands().define({ command: 'x', description: '' }), 'command.description'],
      [() => commands().define({ command: 'x', description: 'd'.repeat(257) }), 'command.description'],
      [() => commands().define({ command: 'x', description: 'x', required_role: 'ghost' }), 'command.required_role'],
      [() => commands().listForRole('Bad Role'), 'role'],
      [() => commands().allows('x', 'Bad Role'), 'role'],
    ] as const) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SchemaKitValidationError);
      expect((error as SchemaKitValidationError).field, field).toBe(field);
    }
    await expect(commands().setEnabled('never_defined', true)).rejects.toBeInstanceOf(SchemaKitNotFoundError);
    expect(await count()).toBe(before);
  });
});
