/**
 * What activation registers for the LDAP editor — only the panel serializer, which VS Code needs
 * at once to bring a panel back after a reload — with the parts themselves (and the diff
 * documents' scheme) loaded from dist/ldapEditor.js on first use.
 */
import * as vscode from 'vscode';
import type { WebviewState } from '../../core/ldap/protocol';
import type { ClusterWorkspace } from '../clusterWorkspace';
import { ldapEditor } from '../core';
import type { ClusterSecrets } from '../secretSource';
import type { SshSession } from '../ssh/sshSession';
import type * as EditorApi from './editorApi';
import { LDAP_DIFF_SCHEME, LDAP_EDITOR_VIEW_TYPE } from './ids';

export class LdapHost implements vscode.Disposable {
  private parts: EditorApi.LdapEditorParts | undefined;
  private readonly registrations: vscode.Disposable[];

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly ssh: SshSession,
    private readonly secrets: ClusterSecrets,
    workspace: ClusterWorkspace,
  ) {
    this.registrations = [
      // After a window reload VS Code brings the editor back with its webview state.
      vscode.window.registerWebviewPanelSerializer(LDAP_EDITOR_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: WebviewState | undefined) => {
          const clusters = (await workspace.clusters()).filter((c) => c.parsed.config);
          const cluster = clusters.find((c) => c.parsed.config!.nodes.some((n) => n.host === state?.node)) ?? clusters[0];
          if (cluster) this.get().editors.revive(panel, cluster, state);
          else panel.dispose();
        },
      }),
    ];
  }

  get(): EditorApi.LdapEditorParts {
    if (!this.parts) {
      this.parts = ldapEditor().createLdapEditor(this.extension, this.ssh, this.secrets);
      // The diff documents exist only once the editor has written some: registered with it.
      this.registrations.push(vscode.workspace.registerTextDocumentContentProvider(LDAP_DIFF_SCHEME, this.parts.diffs));
    }
    return this.parts;
  }

  /** The editor panels, if loaded (nothing is loaded just to look). */
  loaded(): EditorApi.LdapEditorParts | undefined {
    return this.parts;
  }

  dispose(): void {
    this.parts?.dispose();
    this.registrations.forEach((d) => d.dispose());
  }
}
