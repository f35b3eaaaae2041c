/**
 * LDAP failover for Gluu itself (what the manual leaves out; Cluster Manager does it): each
 * node's ox-ldap.properties lists the node first, then every other node, so oxAuth and oxTrust
 * keep working when their own LDAP server stops. Runs after csync2 (whose configuration
 * excludes the file) and before the restart that makes Gluu read it.
 */
import { nodesPrimaryFirst } from '../../config/resolve';
import { OX_LDAP_PROPERTIES, wantedOxLdapServers } from '../../gluu/oxLdap';
import { sh } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { exec } from './common';

/**
 * mode=check exits 0 when the file's servers line is exactly `want`; mode=write prints the file
 * with every servers line replaced by it (one added at the end when there is none). Gluu writes
 * `servers: a:1636,b:1636`; `servers=` is read the same by Java's Properties.
 */
const SERVERS_AWK = `
/^[ \\t]*servers[ \\t]*[:=]/ { found = 1; v = $0; sub(/^[ \\t]*servers[ \\t]*[:=][ \\t]*/, "", v); gsub(/[ \\t]/, "", v); if (v != want) differs = 1; if (mode == "write") print "servers: " want; next }
{ if (mode == "write") print }
END { if (mode == "write" && !found) print "servers: " want; if (mode == "check") exit (found && !differs) ? 0 : 1 }`;

export const renderOxLdapServers: StepRenderer = (input) => {
  const config = input.config;
  return {
    before: [],
    targets: nodesPrimaryFirst(config).map((n) => {
      const want = wantedOxLdapServers(config, n.host).join(',');
      const check = sh`awk -v mode=check -v want=${want} ${SERVERS_AWK} ${OX_LDAP_PROPERTIES}`;
      // The file is rewritten in place (cat >), so its owner and mode stay what setup.py made them.
      const write = sh`[ -f ${OX_LDAP_PROPERTIES} ] || { echo ${`${OX_LDAP_PROPERTIES} is missing: run setup.py on this node first`} >&2; exit 1; }
t=$(mktemp) && awk -v mode=write -v want=${want} ${SERVERS_AWK} ${OX_LDAP_PROPERTIES} > "$t" && cat "$t" > ${OX_LDAP_PROPERTIES}; rc=$?; rm -f "$t"; exit $rc`;
      return {
        host: n.host,
        label: `${n.host}: servers: ${want}`,
        actions: [exec(n.host, `ox-ldap.properties: servers: ${want}`, write, true)],
        check: { script: check, container: true },
        verify: { script: check, container: true },
      };
    }),
    after: [],
    notes: [
      'Idempotent: every servers line is replaced by the wanted one (one is added when there is none); nothing else in the file changes.',
      'oxAuth and oxTrust read ox-ldap.properties when they start: the Restart step makes them use the new servers.',
      'The file is per node: the generated csync2.cfg always excludes it, so a sync never overwrites it.',
    ],
  };
};
