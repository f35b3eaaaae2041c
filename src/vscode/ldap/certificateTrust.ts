/**
 * Pinned LDAP certificates, in the editor's global state (like trusted SSH host keys). A new
 * certificate is trusted only after a modal that shows its SHA-256 fingerprint and how to check
 * it on the node.
 */
import * as vscode from 'vscode';
import type { CertificateTrust, PinnedCertificate } from '../../core/ldap/certificates';
import { askToTrust } from '../trustDialog';

const KEY = 'gluuCluster.pinnedLdapCertificates';
type Pins = Record<string, PinnedCertificate>;

export function certificateTrust(memento: vscode.Memento): CertificateTrust {
  return {
    lookup: async (id) => memento.get<Pins>(KEY, {})[id],
    add: async (id, pin) => memento.update(KEY, { ...memento.get<Pins>(KEY, {}), [id]: pin }),
    confirm: (info) =>
      askToTrust(
        vscode.l10n.t('Unknown LDAP certificate on {0}', info.node),
        vscode.l10n.t(
          'The LDAP server ({0}) presented a self-signed certificate:\n\n{1}\nissued by {2}, valid until {3}\n\nSHA-256 fingerprint:\n{4}\n\nCompare it on the node (openssl x509 -noout -fingerprint -sha256 -in /etc/certs/openldap.crt, or opendj.crt). Trust it only if they match; it is then pinned and a different certificate is refused.',
          info.via,
          info.subject,
          info.issuer,
          info.validTo,
          info.fingerprint,
        ),
      ),
  };
}

export function pinnedCertificateIds(memento: vscode.Memento): string[] {
  return Object.keys(memento.get<Pins>(KEY, {}));
}

export async function forgetPinnedCertificate(memento: vscode.Memento, id: string): Promise<void> {
  const all = { ...memento.get<Pins>(KEY, {}) };
  delete all[id];
  await memento.update(KEY, all);
}
