import { READ, WRITE } from '@wattbus/mqtt/acl';
import type { AedesOptions, AedesPublishPacket, AuthenticateError, Client, ConnectPacket } from 'aedes';
import type { Logger } from 'pino';
import { ConnectRefusedError, PublishDeniedError } from '../errors.js';
import type { ConnectionInfo } from '../listeners/listener.js';
import type { BrokerMetrics } from '../metrics.js';
import { parseShareTopic } from '../shared/share-topic.js';
import type { AccessControl } from './access-control.js';
import { AUTH_FAILURE_TEXT, type Authenticator } from './authenticator.js';
import { contractTopicProblem } from './contract-topics.js';

export interface SecurityDeps {
  authenticator: Authenticator;
  access: AccessControl;
  connections: WeakMap<object, ConnectionInfo>;
  metrics: BrokerMetrics;
  log: Logger;
  /** Drops the stored subscriptions of a persistent session. */
  forgetSubscriptions(clientId: string): Promise<void>;
}

type Hooks = Required<
  Pick<AedesOptions, 'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>
>;

function refusal(message: string): AuthenticateError {
  return new ConnectRefusedError(message) as AuthenticateError;
}

/**
 * Authentication and the ACL as Aedes hooks, behaving like mosquitto with the same password and ACL files.
 * Subscriptions are all granted, as mosquitto does; what a client may read is checked for each message it
 * would receive (authorizeForward, also for retained and queued messages) and for each message about to be
 * queued for it (see `mayQueue`). A shared subscription (`$share/{group}/{filter}`) is refused (0x80) when it is
 * not well formed or its filter can bring nothing the client may read: a member of a group takes messages from
 * the others, so it must be one that reads them.
 */
export function securityHooks(deps: SecurityDeps): Hooks {
  const { authenticator, access, connections, metrics, log } = deps;
  const who = (client: Client) => {
    const info = connections.get(client.conn);
    return { client: client.id, listener: info?.listener, remote: info?.remoteAddress };
  };

  /** Why the client is refused, or undefined once it is in and owns its client id. */
  const decide = async (client: Client, username?: string, password?: Buffer): Promise<string | undefined> => {
    const info = connections.get(client.conn);
    const certificate = info?.identityIsUsername ? { username: info.certUsername } : undefined;
    const result = await authenticator.check({ username, password, certificate });
    if (!result.ok) {
      metrics.authFailures.inc({ reason: result.reason });
      const text = AUTH_FAILURE_TEXT[result.reason];
      log.warn({ ...who(client), username, reason: result.reason }, `connection refused: ${text}`);
      return text;
    }
    if (info) info.username = result.username;
    const owner = result.username ?? null;
    const reservedFor = access.reservedFor(client.id);
    if (reservedFor !== undefined && reservedFor !== owner) {
      metrics.authFailures.inc({ reason: 'client_id_reserved' });
      log.warn(
        { ...who(client), username: owner, reserved_for: reservedFor },
        'connection refused: client id reserved for another user',
      );
      return 'client id reserved for another user';
    }
    const current = access.owners.get(client.id);
    if (current !== undefined && current !== owner) {
      if (reservedFor !== owner) {
        metrics.authFailures.inc({ reason: 'client_id_taken' });
        log.warn(
          { ...who(client), username: owner, owner: current },
          'connection refused: client id belongs to another user',
        );
        return 'client id belongs to another user';
      }
      // A session another user made under this id before it was reserved (a squat): its user takes it back,
      // without the squatter's subscriptions.
      log.warn({ ...who(client), username: owner, previous_owner: current }, 'client id taken back from a squatter');
      await deps.forgetSubscriptions(client.id);
    }
    await access.owners.bind(client.id, owner, !client.clean, client);
    return undefined;
  };

  // Wills allowed in preConnect, by client. A Will is published after its connection has closed, when the client id
  // may already have no owner (a client that subscribed is unsubscribed first, asynchronously, and meanwhile the
  // closed connection gives up its id): judged then, every such Will was denied.
  const allowedWills = new WeakMap<Client, object>();

  return {
    // The Will is checked when it is given, so a stored Will can be published later even when its client is
    // gone (after a broker restart); a forbidden one is dropped, as mosquitto never publishes it either.
    preConnect(client: Client, packet: ConnectPacket, done) {
      const will = packet.will;
      if (will && access.enforcing) {
        const info = connections.get(client.conn);
        const username = info?.identityIsUsername ? info.certUsername : packet.username;
        if (!access.allowsIdentity(username, packet.clientId, WRITE, will.topic)) {
          metrics.aclDenials.inc({ action: 'will' });
          log.warn(
            { ...who(client), client: packet.clientId, username, topic: will.topic },
            'will dropped: not allowed',
          );
          delete packet.will;
        }
      }
      if (packet.will) allowedWills.set(client, packet.will);
      done(null, true);
    },

    authenticate(client, username, password, done) {
      decide(client, username, password).then(
        (refused) => (refused === undefined ? done(null, true) : done(refusal(refused), false)),
        (err: Error) => {
          log.error({ ...who(client), err: err.message }, 'authentication failed');
          done(refusal('authentication failed'), false);
        },
      );
    },

    authorizePublish(client, packet, done) {
      if (packet.topic.startsWith('$SYS/')) return done(new Error('$SYS/ topics are reserved'));
      // A published `$share/` topic would reach the members' own subscriptions to the `$share/...` filter.
      if (packet.topic.startsWith('$share/')) return done(new Error('$share/ topics are reserved'));
      // Only Wills stored before a restart come without a client; they were checked in preConnect.
      if (client === null) return done(null);
      if (allowedWills.get(client) === packet) return done(null);
      // With an ACL in force, the contract's reserved ids are refused even if the ACL does not deny them.
      const problem = access.enforcing ? contractTopicProblem(packet.topic) : undefined;
      if (problem === undefined && access.allows(client.id, WRITE, packet.topic)) return done(null);
      const username = access.owners.get(client.id) ?? undefined;
      metrics.aclDenials.inc({ action: 'publish' });
      log.warn({ ...who(client), username, topic: packet.topic, problem }, 'publish denied: disconnecting');
      done(new PublishDeniedError(packet.topic, client.id, username));
    },

    authorizeSubscribe(client, subscription, done) {
      const share = parseShareTopic(subscription.topic);
      if (share === undefined) return done(null, subscription);
      const problem = share instanceof Error ? share.message : undefined;
      if (!(share instanceof Error) && access.mayReadSome(client.id, share.filter)) return done(null, subscription);
      metrics.aclDenials.inc({ action: 'subscribe' });
      log.warn({ ...who(client), topic: subscription.topic, problem }, 'shared subscription refused');
      done(null, null as unknown as typeof subscription); // SUBACK 0x80 for this filter; the others go on
    },

    authorizeForward(client, packet: AedesPublishPacket) {
      if (!access.allows(client.id, READ, packet.topic)) {
        metrics.aclDenials.inc({ action: 'read' });
        return null;
      }
      metrics.messagesOut.inc();
      return packet;
    },
  };
}
