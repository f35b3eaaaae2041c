/**
 * The clustered sandbox both health suites run on (health.test.ts builds it once): the whole plan
 * from the CLI, then what the manual has the operator do by hand. Each test makes one real fault
 * and undoes it, so the suites share the cluster instead of building one each (a whole plan is
 * the costliest set-up there is).
 */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { shOn } from './lab';
import { sandboxCli, sandboxUp, type Sandbox } from './sandbox';

/** Quotes and a command substitution: the password must reach Redis and Gluu unchanged. */
export const REDIS_PASSWORD = `h3alth "cache" ' $(nope)`;
export const OX_LDAP = '/etc/gluu/conf/ox-ldap.properties';
/** The directory manager's password on idp1, 0600, for the tests' own ldapsearch and ldapmodify. */
export const LDAP_PASSWORD_ON_IDP1 = '/root/.health.pw';

export interface BuiltCluster {
  sb: Sandbox;
  /** The directory manager's password. */
  password: string;
}

export async function buildHealthSandbox(): Promise<BuiltCluster> {
  const sb = await sandboxUp({ name: 'health' });
  const password = readFileSync(sb.ldapPasswordFile, 'utf8');
  try {
    // ox-ldap.properties is per node (its own LDAP first): csync2 must not carry one node's to the others.
    writeFileSync(sb.clusterFile, `${readFileSync(sb.clusterFile, 'utf8')}csync2:\n  exclude: ['*~', '.*', '${OX_LDAP}']\n`);
    const env = { GLUU_CLUSTER_LDAP_ADMIN_PASSWORD: password, GLUU_CLUSTER_REDIS_PASSWORD: REDIS_PASSWORD };
    const r = await sandboxCli(sb.clusterFile, env, ['run', '--yes', '--ldap-cert-fingerprint', sb.ldap['idp1.gluu.test'].fingerprint]);
    assert.equal(r.code, 0, r.out + r.err);
    // What the manual has the operator do by hand on each node (no step writes it yet).
    await shOn(sb.lab, 'idp1', `sed -i 's/^servers: .*/servers: idp1.gluu.test:1636,idp2.gluu.test:1636/' ${OX_LDAP}`);
    await shOn(sb.lab, 'idp2', `sed -i 's/^servers: .*/servers: idp2.gluu.test:1636,idp1.gluu.test:1636/' ${OX_LDAP}`);
    await shOn(sb.lab, 'idp1', `umask 077; cat > ${LDAP_PASSWORD_ON_IDP1}`, password);
  } catch (e) {
    await sb.down();
    throw e;
  }
  return { sb, password };
}
