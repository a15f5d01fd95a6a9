import { verifyPassword } from '@wattbus/mqtt/passwords';
import type { AuthFiles } from './auth-files.js';

export interface Credentials {
  username: string | undefined;
  password: Buffer | undefined;
  /** The listener authenticates by client certificate: this CN (if verified) is the username. */
  certificate: { username: string | undefined } | undefined;
}

export type AuthFailure = 'anonymous_refused' | 'unknown_user' | 'missing_password' | 'bad_password' | 'no_certificate';

export type AuthResult = { ok: true; username: string | undefined } | { ok: false; reason: AuthFailure };

export const AUTH_FAILURE_TEXT: Record<AuthFailure, string> = {
  anonymous_refused: 'authentication required',
  unknown_user: 'unknown user',
  missing_password: 'no password given',
  bad_password: 'wrong password',
  no_certificate: 'no verified client certificate',
};

/**
 * mosquitto 2.0's rules: a certificate identity needs no password; a client without a username is accepted
 * only with allow_anonymous; with a password file a username must be in it with the right password; without
 * one, usernames are not checked and allow_anonymous decides.
 */
export class Authenticator {
  constructor(
    private readonly files: AuthFiles,
    private readonly allowAnonymous: boolean,
  ) {}

  async check({ username, password, certificate }: Credentials): Promise<AuthResult> {
    if (certificate) {
      return certificate.username === undefined
        ? { ok: false, reason: 'no_certificate' }
        : { ok: true, username: certificate.username };
    }
    const table = this.files.passwords;
    if (username === undefined || table === undefined) {
      return this.allowAnonymous ? { ok: true, username } : { ok: false, reason: 'anonymous_refused' };
    }
    const hash = table.users.get(username);
    if (hash === undefined) return { ok: false, reason: 'unknown_user' };
    if (password === undefined) return { ok: false, reason: 'missing_password' };
    return (await verifyPassword(password, hash)) ? { ok: true, username } : { ok: false, reason: 'bad_password' };
  }
}
