import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import AsyncLevelPersistence from 'aedes-persistence-level/asyncPersistence.js';
import { ClassicLevel } from 'classic-level';
import type { Owner, OwnerStore } from './auth/session-owners.js';
import { PersistenceError } from './errors.js';
import type { MemberStore, StoredMember } from './shared/shared-subscriptions.js';

export interface BrokerStore {
  /** For AedesOptions.persistence; undefined = Aedes' in-memory store. */
  aedes: unknown;
  /** Where persistent sessions' owners are kept; undefined when nothing survives a restart anyway. */
  owners: OwnerStore | undefined;
  /** The persistent members of shared subscriptions, likewise. */
  shareMembers: MemberStore | undefined;
  close(): Promise<void>;
}

const IN_MEMORY: BrokerStore = { aedes: undefined, owners: undefined, shareMembers: undefined, close: async () => {} };

/**
 * One LevelDB directory holds everything that must survive a restart: Aedes' sessions, queued and retained
 * messages and Wills (aedes-persistence-level), and, in sublevels of their own, the owner of each session and the
 * persistent members of each shared subscription.
 */
export async function openStore(path: string | undefined): Promise<BrokerStore> {
  if (path === undefined) return IN_MEMORY;
  const location = resolve(path);
  await mkdir(location, { recursive: true });
  const db = new ClassicLevel(location);
  try {
    await db.open();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    const reason = cause?.code === 'LEVEL_LOCKED' ? 'locked by another process (another broker?)' : String(err);
    throw new PersistenceError(location, reason, { cause: err });
  }
  // LevelDB refuses null values, and an anonymous client's owner is null: store the owner wrapped.
  const owners = db.sublevel<string, { owner: Owner }>('wattbus-session-owners', { valueEncoding: 'json' });
  const members = db.sublevel<string, StoredMember>('wattbus-share-members', { valueEncoding: 'json' });
  const memberKey = (m: { topic: string; clientId: string }) => `${m.topic}\u0000${m.clientId}`;
  return {
    aedes: new AsyncLevelPersistence(db),
    shareMembers: {
      entries: () => members.values(),
      put: (member) => members.put(memberKey(member), member),
      del: (member) => members.del(memberKey(member)),
    },
    owners: {
      entries: async function* () {
        for await (const [clientId, { owner }] of owners.iterator()) yield [clientId, owner] as [string, Owner];
      },
      put: (clientId, owner) => owners.put(clientId, { owner }),
      del: (clientId) => owners.del(clientId),
    },
    close: () => db.close(),
  };
}
