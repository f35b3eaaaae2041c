/**
 * The values each LDAP save replaced, per cluster and node, so "Restore Previous LDAP Value" can
 * put them back (with the same compare-and-swap: only if nobody changed them since).
 */
import type * as vscode from 'vscode';
import type { SavedLdapChange } from '../../core/session/ports';

const KEY = 'gluuCluster.previousLdapValues';

/** What a write replaced: the same record the run session keeps for a step's LDAP change. */
export type SavedChange = SavedLdapChange;

type All = Record<string, SavedChange>;
const id = (cluster: string, node: string) => `${cluster}|${node}`;

export class PreviousValues {
  constructor(private readonly memento: vscode.Memento) {}

  get(cluster: string, node: string): SavedChange | undefined {
    return this.memento.get<All>(KEY, {})[id(cluster, node)];
  }

  async record(cluster: string, node: string, saved: SavedChange): Promise<void> {
    await this.memento.update(KEY, { ...this.memento.get<All>(KEY, {}), [id(cluster, node)]: saved });
  }

  async clear(cluster: string, node: string): Promise<void> {
    const all = { ...this.memento.get<All>(KEY, {}) };
    delete all[id(cluster, node)];
    await this.memento.update(KEY, all);
  }
}
