/** Read-only documents for the "before / after" diff a save shows (scheme gluu-ldap-diff). */
import * as vscode from 'vscode';

import { LDAP_DIFF_SCHEME } from './ids';

export class LdapDiffDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private n = 0;

  /** A pair of URIs for vscode.diff. */
  pair(node: string, before: string, after: string): { left: vscode.Uri; right: vscode.Uri } {
    const k = ++this.n;
    const left = vscode.Uri.from({ scheme: LDAP_DIFF_SCHEME, path: `/${node}/stored-${k}.jsonc` });
    const right = vscode.Uri.from({ scheme: LDAP_DIFF_SCHEME, path: `/${node}/to-write-${k}.jsonc` });
    this.texts.set(left.toString(), before);
    this.texts.set(right.toString(), after);
    return { left, right };
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}
