/**
 * OpenDJ on every node: endpoint identification off for dsreplication's LDAPS connections, and
 * the admin connector and LDAPS handler listening on all addresses so the nodes reach each other.
 * The manual's sed glues "-client-Dcom..." into one word; the flag is appended with a space.
 */
import { and, sh } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { OPENDJ, OPENDJ_CONFIG, dsconfig, exec, ldapPasswordFile } from './common';

const FLAG = '-Dcom.sun.jndi.ldap.object.disableEndpointIdentification=true';
const JAVA_PROPERTIES = `${OPENDJ_CONFIG}/java.properties`;

export const renderLdapListen: StepRenderer = ({ config }, resolved) => {
  const pw = ldapPasswordFile('ldap-listen');
  return {
    before: [],
    targets: resolved.targets.map((t) => ({
      host: t.host,
      label: t.host,
      actions: [
        exec(
          t.host,
          'turn off endpoint identification for dsreplication (java.properties) and apply it',
          and(
            sh`{ grep -q disableEndpointIdentification ${JAVA_PROPERTIES} || sed -i ${`s/^dsreplication.java-args=-Xms8m -client$/dsreplication.java-args=-Xms8m -client ${FLAG}/`} ${JAVA_PROPERTIES}; }`,
            sh`${OPENDJ}/bin/dsjavaproperties`,
          ),
          true,
        ),
        exec(
          t.host,
          'admin connector on 0.0.0.0',
          dsconfig(config, 'localhost', pw, sh`set-administration-connector-prop --set listen-address:0.0.0.0`),
          true,
          [pw],
        ),
        exec(
          t.host,
          'LDAPS connection handler enabled on 0.0.0.0',
          dsconfig(
            config,
            'localhost',
            pw,
            sh`set-connection-handler-prop --handler-name ${'LDAPS Connection Handler'} --set enabled:true --set listen-address:0.0.0.0`,
          ),
          true,
          [pw],
        ),
      ],
      check: {
        script: and(
          sh`grep -q disableEndpointIdentification ${JAVA_PROPERTIES}`,
          sh`${dsconfig(config, 'localhost', pw, sh`get-connection-handler-prop --handler-name ${'LDAPS Connection Handler'} --property listen-address -s`)} | grep -q 0.0.0.0`,
        ),
        container: true,
        secretFiles: [pw],
      },
      verify: {
        script: sh`${dsconfig(config, 'localhost', pw, sh`get-administration-connector-prop --property listen-address -s`)} | grep -q 0.0.0.0`,
        container: true,
        secretFiles: [pw],
      },
    })),
    after: [],
    notes: [
      'The directory manager password goes to OpenDJ in a 0600 file (-j), never on the command line.',
      'Idempotent: the flag is added once; dsconfig sets the same values again.',
    ],
  };
};
