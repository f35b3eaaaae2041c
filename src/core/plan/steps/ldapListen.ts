/**
 * OpenDJ on every node: endpoint identification off for dsreplication's LDAPS connections, and
 * the admin connector and LDAPS handler listening on all addresses so the nodes reach each other.
 * The manual's sed glues "-client-Dcom..." into one word; the flag is appended with a space.
 *
 * dsconfig changes a listen-address without applying it (CLI-FACTS.md): the administration
 * connector takes it at the next restart, a connection handler when it is disabled and enabled
 * again. The step does both, and its check and verification look at the listening sockets on the
 * host, not at the property, whose default already reads 0.0.0.0.
 */
import { hostPath } from '../../gluu/container';
import { LDAPS_PORT, OPENDJ_SERVICE } from '../../gluu/facts';
import { listeningFunction } from '../../gluu/listening';
import { and, sh, type Shell } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { ADMIN_PORT, OPENDJ, OPENDJ_CONFIG, dsconfig, exec, ldapPasswordFile, restartService } from './common';

const FLAG = '-Dcom.sun.jndi.ldap.object.disableEndpointIdentification=true';
const JAVA_PROPERTIES = `${OPENDJ_CONFIG}/java.properties`;
const LDAPS_HANDLER = 'LDAPS Connection Handler';
const PORTS = [ADMIN_PORT, LDAPS_PORT];

/**
 * The flag on dsreplication's java-args line, whatever setup wrote there: setup falls back to
 * other arguments when the JVM rejects one, and the manual's exact-line sed then changes nothing
 * (CLI-FACTS.md). So the line is matched by its key, a missing line is added, and the result is
 * checked rather than the sed.
 */
function addFlag(file: string): Shell {
  const has = sh`grep -q disableEndpointIdentification ${file}`;
  return sh`${has} || { if grep -q ${'^dsreplication\\.java-args='} ${file}; then sed -i ${`s/^\\(dsreplication\\.java-args=.*\\)$/\\1 ${FLAG}/`} ${file}; else printf '%s\n' ${`dsreplication.java-args=${FLAG}`} >> ${file}; fi; }; ${has} || { echo ${`${FLAG} is not in ${file}`} >&2; exit 1; }`;
}

const allListening = and(...PORTS.map((p) => sh`listening ${p}`));

export const renderLdapListen: StepRenderer = ({ config }, resolved) => {
  const pw = ldapPasswordFile('ldap-listen');
  const ldaps = (args: Shell) => dsconfig(config, 'localhost', pw, sh`set-connection-handler-prop --handler-name ${LDAPS_HANDLER} ${args}`);
  // Probes run on the host (same network as the container), where ss or netstat is at hand.
  const flagOnHost = sh`grep -q disableEndpointIdentification ${hostPath(config, JAVA_PROPERTIES, true)}`;
  return {
    before: [],
    targets: resolved.targets.map((t) => {
      const address = config.nodes.find((n) => n.host === t.host)?.address ?? t.host;
      return {
        host: t.host,
        label: t.host,
        actions: [
          exec(
            t.host,
            'turn off endpoint identification for dsreplication (java.properties) and apply it',
            sh`${addFlag(JAVA_PROPERTIES)} && ${OPENDJ}/bin/dsjavaproperties`,
            true,
          ),
          exec(
            t.host,
            'admin connector on 0.0.0.0',
            dsconfig(config, 'localhost', pw, sh`set-administration-connector-prop --set listen-address:0.0.0.0`),
            true,
            [pw],
          ),
          exec(t.host, 'LDAPS connection handler enabled on 0.0.0.0', ldaps(sh`--set enabled:true --set listen-address:0.0.0.0`), true, [
            pw,
          ]),
          exec(
            t.host,
            "apply the LDAPS handler's new address: disable and enable it",
            and(ldaps(sh`--set enabled:false`), ldaps(sh`--set enabled:true`)),
            true,
            [pw],
          ),
          exec(t.host, "restart OpenDJ (applies the admin connector's new address)", restartService(OPENDJ_SERVICE), true),
        ],
        check: { script: sh`${listeningFunction(address)}; ${flagOnHost} && ${allListening}`, container: false },
        // OpenDJ may still be opening its ports after the restart: up to a minute.
        verify: {
          script: sh`${listeningFunction(address)}; ${flagOnHost} || exit 1; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do if ${allListening}; then exit 0; fi; sleep 3; done; exit 1`,
          container: false,
        },
      };
    }),
    after: [],
    notes: [
      'The directory manager password goes to OpenDJ in a 0600 file (-j), never on the command line.',
      `dsconfig sets a listen-address without applying it: the step disables and enables the LDAPS handler and restarts OpenDJ, and its check and verification look for ports ${PORTS.join(' and ')} listening on 0.0.0.0 (or the node's address) with ss or netstat on the host, not at the property, whose default already reads 0.0.0.0.`,
      "The java.properties flag goes on dsreplication's java-args line whatever setup wrote there (an exact-line sed misses a line setup reduced), and the step fails if it is not there afterwards.",
      'Idempotent: the flag is added once and dsconfig sets the same values again; every run restarts OpenDJ on the nodes at once (LDAP is down for a few seconds on each), so the check skips the step where the flag is set and both ports already listen.',
    ],
  };
};
