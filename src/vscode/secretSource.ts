/**
 * Passwords for the cluster's steps, kept in the editor's SecretStorage per cluster. Asked once,
 * in a password box, when a step first needs one; never written anywhere else.
 */
import * as vscode from 'vscode';
import { SECRET_LABELS, type SecretName } from '../core/plan/actions';

const key = (cluster: string, name: string) => `gluuCluster:${cluster}:${name}`;

export class ClusterSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  /** The stored secret, or asks for it (and stores it). Throws when the user cancels. */
  async get(cluster: string, clusterName: string, name: SecretName): Promise<string> {
    const stored = await this.storage.get(key(cluster, name));
    if (stored !== undefined) return stored;
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Gluu Cluster "{0}"', clusterName),
      prompt: SECRET_LABELS[name],
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.length === 0 ? vscode.l10n.t('The password cannot be empty.') : undefined),
    });
    if (value === undefined) throw new Error(vscode.l10n.t('No password given; nothing was changed.'));
    await this.storage.store(key(cluster, name), value);
    return value;
  }

  /** The stored secret, or undefined: never asks (health checks run unattended). */
  async stored(cluster: string, name: SecretName): Promise<string | undefined> {
    return this.storage.get(key(cluster, name));
  }

  /** `to` takes the value stored as `from` (a password changed on the servers), and `from` is forgotten. */
  async replace(cluster: string, to: SecretName, from: SecretName): Promise<void> {
    const value = await this.storage.get(key(cluster, from));
    if (value === undefined) return;
    await this.storage.store(key(cluster, to), value);
    await this.storage.delete(key(cluster, from));
  }

  async forget(cluster: string, names: string[]): Promise<void> {
    for (const n of names) await this.storage.delete(key(cluster, n));
  }
}
