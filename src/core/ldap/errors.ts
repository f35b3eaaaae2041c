/** LDAP failures, each with a message that says what happened and what to do. */
export type LdapErrorCode =
  | 'UNREACHABLE'
  | 'TLS_FAILED'
  | 'CERT_NOT_TRUSTED'
  | 'CERT_CHANGED'
  | 'BAD_CREDENTIALS'
  | 'NO_APPLIANCE'
  | 'CONFLICT'
  | 'INVALID'
  | 'LDAP_ERROR';

export class LdapError extends Error {
  constructor(
    readonly code: LdapErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'LdapError';
  }
}

export const isLdapError = (e: unknown): e is LdapError =>
  e instanceof Error && (e as LdapError).name === 'LdapError' && typeof (e as LdapError).code === 'string';
