/**
 * LDAP failover for Gluu itself (what the manual leaves out; Cluster Manager does it): each
 * node's ox-ldap.properties lists the node first, then every other node, so oxAuth and oxTrust
 * keep working when their own LDAP server stops; where the Shibboleth IdP is installed, its
 * ldap.properties lists the same servers. Runs after csync2 (whose configuration
 * excludes the file) and before the restart that makes Gluu read it.
 */
import { nodesPrimaryFirst } from '../../config/resolve';
import {
  OX_LDAP_PROPERTIES,
  SHIBBOLETH_LDAP_PROPERTIES,
  SHIBBOLETH_LDAP_URL_KEY,
  wantedOxLdapServers,
  wantedShibbolethLdapUrls,
} from '../../gluu/oxLdap';
import { and, sh } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { exec } from './common';

/**
 * One property of a Java properties file: mode=check exits 0 when the file has `key` and every
 * such line's value is `want` (blanks ignored); mode=write prints the file with every such line
 * replaced by `line` (one added at the end when there is none). Gluu writes `servers: a:1636,b:1636`,
 * Shibboleth `idp.authn.LDAP.ldapURL = ldaps://a:1636`; `:` and `=` are read the same by Java.
 */
const PROPERTY_AWK = `
BEGIN { w = want; gsub(/[ \t]/, "", w) }
{ t = $0; sub(/^[ \t]+/, "", t) }
substr(t, 1, length(key)) == key && substr(t, length(key) + 1) ~ /^[ \t]*[:=]/ {
  found = 1; v = substr(t, length(key) + 1); sub(/^[ \t]*[:=][ \t]*/, "", v); gsub(/[ \t]/, "", v)
  if (v != w) differs = 1
  if (mode == "write") print line
  next
}
{ if (mode == "write") print }
END { if (mode == "write" && !found) print line; if (mode == "check") exit (found && !differs) ? 0 : 1 }`;

const property = (mode: 'check' | 'write', file: string, key: string, want: string, line: string) =>
  sh`awk -v mode=${mode} -v key=${key} -v want=${want} -v line=${line} ${PROPERTY_AWK} ${file}`;

/** Rewrites `file` in place (cat >, so its owner and mode stay what setup.py made them). */
const rewrite = (file: string, key: string, want: string, line: string) =>
  sh`t=$(mktemp) && ${property('write', file, key, want, line)} > "$t" && cat "$t" > ${file}; rc=$?; rm -f "$t"; exit $rc`;

export const renderOxLdapServers: StepRenderer = (input) => {
  const config = input.config;
  return {
    before: [],
    targets: nodesPrimaryFirst(config).map((n) => {
      const want = wantedOxLdapServers(config, n.host).join(',');
      const urls = wantedShibbolethLdapUrls(config, n.host).join(' ');
      const shib = SHIBBOLETH_LDAP_PROPERTIES;
      const key = SHIBBOLETH_LDAP_URL_KEY;
      const oxHolds = property('check', OX_LDAP_PROPERTIES, 'servers', want, `servers: ${want}`);
      // Shibboleth is optional: a node without the IdP has nothing to change there.
      const shibHolds = sh`{ [ ! -f ${shib} ] || ${property('check', shib, key, urls, `${key} = ${urls}`)}; }`;
      const check = and(oxHolds, shibHolds);
      const writeOx = sh`[ -f ${OX_LDAP_PROPERTIES} ] || { echo ${`${OX_LDAP_PROPERTIES} is missing: run setup.py on this node first`} >&2; exit 1; }
${rewrite(OX_LDAP_PROPERTIES, 'servers', want, `servers: ${want}`)}`;
      const writeShib = sh`if [ -f ${shib} ]; then (${rewrite(shib, key, urls, `${key} = ${urls}`)}); else echo ${`no Shibboleth IdP on ${n.host} (${shib}): nothing to change`}; fi`;
      return {
        host: n.host,
        label: `${n.host}: servers: ${want}`,
        actions: [
          exec(n.host, `ox-ldap.properties: servers: ${want}`, writeOx, true),
          exec(n.host, `Shibboleth's ldap.properties, where the IdP is installed: ${key} = ${urls}`, writeShib, true),
        ],
        check: { script: check, container: true },
        verify: { script: check, container: true },
      };
    }),
    after: [],
    notes: [
      'Idempotent: every servers line is replaced by the wanted one (one is added when there is none); nothing else in the file changes.',
      'oxAuth and oxTrust read ox-ldap.properties when they start: the Restart step makes them use the new servers.',
      'The file is per node: the generated csync2.cfg always excludes it, so a sync never overwrites it.',
      `Where the Shibboleth IdP is installed, its ${SHIBBOLETH_LDAP_URL_KEY} in ${SHIBBOLETH_LDAP_PROPERTIES} lists the same servers in the same order (the IdP reads it when it starts).`,
    ],
  };
};
