import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempFolder } from './temp.js';

const run = promisify(execFile);

/** A PostgreSQL cluster of this machine's server packages, started by a test on a port of its own. */
export interface Cluster {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** The bin folder of the newest PostgreSQL server package on this machine (initdb, pg_ctl, pg_basebackup). */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => ['initdb', 'pg_ctl', 'pg_basebackup'].every((b) => existsSync(join(dir, b))));
  if (!found) throw new Error(`no PostgreSQL server package with initdb, pg_ctl and pg_basebackup under ${root}: install postgresql`);
  return found;
}

/** As root, the cluster's files and processes belong to `postgres`, as initdb requires. */
function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

async function tool(name: string, args: readonly string[]): Promise<void> {
  const who = owner();
  await run(join(binDir(), name), [...args], { ...(who ?? {}), env: { ...process.env, LC_ALL: 'C' } });
}

async function start(dataDir: string, port: number): Promise<Cluster> {
  await tool('pg_ctl', ['-D', dataDir, '-o', `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1`, '-l', join(dataDir, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop: () => tool('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined),
  };
}

function ownedFolder(prefix: string): string {
  const dir = join(tempFolder(prefix), 'data');
  mkdirSync(dir, { mode: 0o700 });
  const who = owner();
  if (who) chownSync(dir, who.uid, who.gid);
  return dir;
}

/** initdb and start a new primary (trust auth, replication allowed from 127.0.0.1). */
export async function startPrimary(): Promise<Cluster> {
  const dataDir = ownedFolder('primary-');
  await tool('initdb', ['-D', dataDir, '--auth=trust', '-U', 'postgres']);
  return start(dataDir, await freePort());
}

/** A streaming replica of `primary`, made with pg_basebackup -R and started (hot standby). */
export async function startReplica(primary: Cluster): Promise<Cluster> {
  const dataDir = ownedFolder('replica-');
  await tool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast']);
  return start(dataDir, await freePort());
}
