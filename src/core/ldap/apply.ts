/**
 * A plan step's LDAP change (ldap-cache, ldap-idp-auth) on the same core as the editor: read the
 * appliance entry, merge the step's fields into what is stored, and write only if that changes
 * something — with compare-and-swap, like a save from the editor.
 */
import type { LdapAction } from '../plan/actions';
import { withAppliance, type ApplianceAccess } from './appliance';
import { decodeStored, planEdits, type ValueChange } from './edits';
import { LdapError } from './errors';

export interface AppliedLdapChange {
  entryDN: string;
  /** What was written (empty when the entry already had the planned values). */
  changes: ValueChange[];
  /** Lines for the step's terminal. */
  lines: string[];
}

export async function applyLdapAction(access: ApplianceAccess, action: LdapAction): Promise<AppliedLdapChange> {
  return withAppliance(access, async (s) => {
    const values = await s.read();
    const r = planEdits(decodeStored(values.cacheAttribute, values.cache, values.idp), action.attribute, action.change);
    if (r.errors.length) throw new LdapError('INVALID', `${r.errors.join('; ')}. Nothing was written.`);
    const lines = [`entry ${values.entryDN} (${access.endpoint.via})`, ...r.warnings.map((w) => `⚠ ${w}`)];
    if (r.changes.length === 0)
      return { entryDN: values.entryDN, changes: [], lines: [...lines, '✓ already as planned: nothing to write'] };
    await s.write(values.entryDN, r.changes);
    return {
      entryDN: values.entryDN,
      changes: r.changes,
      lines: [...lines, `✓ written (compare-and-swap): ${r.changes.map((c) => c.label).join(', ')}`],
    };
  });
}
