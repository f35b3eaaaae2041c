/**
 * Passwords for the cluster's steps, kept in the editor's SecretStorage per cluster. Asked once,
 * in a password box, when a step first needs one; never written anywhere else.
 */
import * as vscode from 'vscode';
import type { SecretName } from '../core/plan/actions';

const LABELS: Record<SecretName, string> = {
  ldapAdmin: 'Directory Manager password (set at the first Gluu install; also the replication admin password)',
  redis: 'Redis password for the cache host (requirepass); choose one if Redis has none yet',
};

const key = (cluster: string, name: string) => `gluuCluster:${cluster}:${name}`;

export class ClusterSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  /** The stored secret, or asks for it (and stores it). Throws when the user cancels. */
  async get(cluster: string, clusterName: string, name: SecretName): Promise<string> {
    const stored = await this.storage.get(key(cluster, name));
    if (stored !== undefined) return stored;
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Gluu Cluster "{0}"', clusterName),
      prompt: LABELS[name],
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.length === 0 ? vscode.l10n.t('The password cannot be empty.') : undefined),
    });
    if (value === undefined) throw new Error(vscode.l10n.t('No password given; nothing was changed.'));
    await this.storage.store(key(cluster, name), value);
    return value;
  }

  async store(cluster: string, name: string, value: string): Promise<void> {
    await this.storage.store(key(cluster, name), value);
  }

  async forget(cluster: string, names: string[]): Promise<void> {
    for (const n of names) await this.storage.delete(key(cluster, n));
  }
}
