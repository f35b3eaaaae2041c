/**
 * The LDAP editor's editor-side parts, in their own bundle (dist/ldapEditor.js) loaded when the
 * editor, an LDAP step or a restored panel first needs them: activation only registers.
 */
import type * as vscode from 'vscode';
import type { ClusterSecrets } from '../secretSource';
import type { SshSession } from '../ssh/sshSession';
import { LdapDiffDocuments } from './diffDocuments';
import { LdapEditors } from './ldapEditorPanel';
import { LdapService } from './ldapService';

export interface LdapEditorParts extends vscode.Disposable {
  service: LdapService;
  diffs: LdapDiffDocuments;
  editors: LdapEditors;
}

export function createLdapEditor(extension: vscode.ExtensionContext, ssh: SshSession, secrets: ClusterSecrets): LdapEditorParts {
  const service = new LdapService(extension, ssh, secrets);
  const diffs = new LdapDiffDocuments();
  const editors = new LdapEditors(extension.extensionUri, service, diffs, extension.workspaceState);
  return {
    service,
    diffs,
    editors,
    dispose: () => {
      editors.dispose();
      diffs.dispose();
    },
  };
}
