/** A password or ACL file that cannot be used as a whole (unreadable, or a line mosquitto would refuse too). */
export class AuthFileError extends Error {
  override readonly name = 'AuthFileError';

  constructor(
    readonly kind: 'password' | 'acl',
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
    options?: ErrorOptions,
  ) {
    super(`${kind} file ${file}${line === undefined ? '' : ` line ${line}`}: ${reason}`, options);
  }
}
