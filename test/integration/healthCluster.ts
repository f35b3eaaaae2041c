/**
 * The replication, files and drift health checks on a sandbox the whole plan has clustered, with
 * real faults made one at a time: each is found with the right state and a reason naming the host
 * and the cause, and the rows are ok again once it is undone. Waits are bounded polls.
 */
import * as assert from 'node:assert/strict';
import type { HealthReport, HealthRow } from '../../src/core/health/model';
import { clusterCli, showRows as show, type BuiltCluster } from './healthSandbox';
import { shOn } from './lab';
import { type Sandbox } from './sandbox';

const GROUPS = 'replication,files,drift';
const IDP1 = 'idp1.gluu.test';
const IDP2 = 'idp2.gluu.test';
const SLAPD_CONF = '/opt/symas/etc/openldap/slapd.conf';
/** The directory manager's password on idp1, 0600, for the tests' own ldapsearch and ldapmodify. */
const LDAP_PASSWORD_ON_IDP1 = '/root/.health.pw';

/** The tests, on the cluster wholeCluster.test.ts built (after healthServices.ts). */
export const healthClusterTests = (cluster: () => BuiltCluster) =>
  describe('cluster health: replication, files and drift on the sandbox', function () {
    let sb: Sandbox;
    let password: string;

    const cli = (...args: string[]) => clusterCli(sb, password, args);
    const health = async (groups = GROUPS) => {
      const r = await cli('health', '--json', '--only', groups);
      assert.ok(!(r.out + r.err).includes(password), 'no password printed');
      return { code: r.code, report: JSON.parse(r.out) as HealthReport };
    };
    const notOk = (rows: HealthRow[]) => rows.filter((r) => r.state !== 'ok');
    /** Polls until every row of `groups` is ok (a fault just undone settles: replication catches up, csync2 sends). */
    const untilHealthy = async (groups = GROUPS, seconds = 90) => {
      const end = Date.now() + seconds * 1000;
      for (;;) {
        const { code, report } = await health(groups);
        if (notOk(report.rows).length === 0) return { code, report };
        if (Date.now() > end) assert.fail(`still not healthy after ${seconds} s:\n${show(notOk(report.rows))}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    const row = (report: HealthReport, group: string, check: string, host: string) => {
      const r = report.rows.find((x) => x.group === group && x.check === check && x.host === host);
      assert.ok(r, `no ${group}/${check} row for ${host}:\n${show(report.rows)}`);
      return r;
    };
    const ldap = (tool: string, args: string, input?: string) =>
      shOn(
        sb.lab,
        'idp1',
        `LDAPTLS_CACERT=/etc/certs/openldap.crt /opt/symas/bin/${tool} -x -H ldaps://${IDP1}:1636/ -D 'cn=directory manager,o=gluu' -y ${LDAP_PASSWORD_ON_IDP1} ${args}`,
        input,
      );

    before(async () => {
      ({ sb, password } = cluster());
      await shOn(sb.lab, 'idp1', `umask 077; cat > ${LDAP_PASSWORD_ON_IDP1}`, password);
    });

    it('a healthy cluster: every row of the three groups is ok; health --only replication exits 0', async () => {
      const { report } = await health();
      assert.deepEqual(notOk(report.rows), [], show(report.rows));
      for (const [group, check] of [
        ['replication', 'syncrepl'],
        ['replication', 'probe'],
        ['replication', 'contextcsn'],
        ['replication', 'entries'],
        ['replication', 'config'],
        ['files', 'cron'],
        ['files', 'unsynced'],
        ['files', 'probe'],
        ['drift', 'csync2-cfg'],
        ['drift', 'hosts-file'],
        ['drift', 'ox-ldap'],
      ])
        for (const h of [IDP1, IDP2]) row(report, group, check, h);
      for (const check of ['ldap-cache', 'ldap-idp']) row(report, 'drift', check, IDP1);
      row(report, 'drift', 'nginx', 'lb.gluu.test');
      assert.equal((await health('replication')).code, 0);
    });

    it('slapd stopped on a secondary: its LDAP rows critical, naming it; --only replication exits 2', async () => {
      await sb.slapd[IDP2].stop();
      try {
        const { code, report } = await health('replication');
        assert.equal(code, 2);
        const csn = row(report, 'replication', 'contextcsn', IDP2);
        assert.equal(csn.state, 'critical');
        assert.match(csn.reason, /^LDAP on idp2\.gluu\.test does not answer .*Can't contact LDAP server/);
        const probe = row(report, 'replication', 'probe', IDP2);
        assert.equal(probe.state, 'critical');
        assert.match(probe.reason, /could not be written on idp2\.gluu\.test .*Can't contact LDAP server/);
        assert.equal(row(report, 'replication', 'entries', IDP2).state, 'critical');
      } finally {
        await sb.slapd[IDP2].start();
      }
      const { code } = await untilHealthy('replication');
      assert.equal(code, 0);
    });

    it("replication broken (idp2's syncrepl from idp1 removed, both slapds running): critical on idp2 naming idp1", async () => {
      await shOn(sb.lab, 'idp2', `cp -p ${SLAPD_CONF} /root/slapd.conf.health-test`);
      // slapd refuses mirrormode in a database with no syncrepl: the operator's edit drops both.
      await shOn(
        sb.lab,
        'idp2',
        `awk '/^syncrepl .*provider=ldaps:\\/\\/${IDP1.replace(/\./g, '\\.')}:1636\\/ .*searchbase="o=gluu"/ { skip = 1; next } skip && /^mirrormode on/ { skip = 0; next } { print }' ${SLAPD_CONF} > /root/slapd.conf.new && cat /root/slapd.conf.new > ${SLAPD_CONF} && service solserver restart`,
      );
      try {
        const { report } = await health('replication');
        const peers = row(report, 'replication', 'syncrepl', IDP2);
        assert.equal(peers.state, 'critical');
        assert.equal(peers.fixStep, 'openldap-replication');
        assert.match(peers.reason, /^idp2\.gluu\.test's .*slapd\.conf has no syncrepl for o=gluu from idp1\.gluu\.test/);
        const probe = row(report, 'replication', 'probe', IDP2);
        assert.equal(probe.state, 'critical');
        assert.match(probe.reason, /^an entry written on idp1\.gluu\.test under o=gluu did not reach idp2\.gluu\.test within 5 s/);
        assert.equal(row(report, 'replication', 'syncrepl', IDP1).state, 'ok');
        assert.equal(row(report, 'replication', 'probe', IDP1).state, 'ok', 'idp1 still pulls from idp2');
      } finally {
        await shOn(sb.lab, 'idp2', `cat /root/slapd.conf.health-test > ${SLAPD_CONF} && service solserver restart`);
      }
      await untilHealthy('replication');
    });

    it('a value changed on one node behind replication (slapmodify while it is stopped): Gluu configuration critical on both, contextCSN ok', async () => {
      const dn = /^dn: (.*)$/m.exec(await ldap('ldapsearch', "-LLL -b ou=appliances,o=gluu -s one '(objectClass=gluuAppliance)' 1.1"))![1];
      const description = (v: string) => `dn: ${dn}\nchangetype: modify\nreplace: description\ndescription: ${v}\n`;
      await ldap('ldapmodify', '', description('the same on every node'));
      await untilHealthy('replication');
      // An offline write is neither logged nor replicated, and leaves contextCSN as it was: what a
      // conflict OpenLDAP did not reconcile looks like from outside.
      await sb.slapd[IDP2].stop();
      try {
        await shOn(sb.lab, 'idp2', `/usr/sbin/slapmodify -f ${SLAPD_CONF} -b o=gluu -q`, description('only on idp2'));
      } finally {
        await sb.slapd[IDP2].start();
      }
      const { code, report } = await health('replication');
      assert.equal(code, 2, show(report.rows));
      for (const h of [IDP1, IDP2]) {
        const config = row(report, 'replication', 'config', h);
        assert.equal(config.state, 'critical');
        assert.match(
          config.reason,
          /^description of inum=.*,ou=appliances,o=gluu differs \(value digests\): idp1\.gluu\.test has [0-9a-f]{8}, idp2\.gluu\.test has [0-9a-f]{8} although every node has applied every change/,
        );
        assert.ok(!config.reason.includes('only on idp2'), 'values are never shown');
        assert.equal(row(report, 'replication', 'contextcsn', h).state, 'ok', 'contextCSN cannot see it');
      }
      // The mend the row names: write the value again on one node.
      await ldap('ldapmodify', '', description('the same on every node again'));
      await untilHealthy('replication');
    });

    it('a csync2-managed file changed on a node whose cron is stopped: a warning naming the file, cron critical', async () => {
      const file = '/etc/gluu/conf/health-test-fault.properties';
      await shOn(sb.lab, 'idp2', 'service cron stop');
      await shOn(sb.lab, 'idp2', `printf 'changed on idp2\\n' > ${file}`);
      try {
        const { report } = await health('files');
        const unsynced = row(report, 'files', 'unsynced', IDP2);
        assert.equal(unsynced.state, 'warning');
        assert.equal(unsynced.reason, `${IDP2} has 1 file(s) not yet sent: ${file}`);
        const cron = row(report, 'files', 'cron', IDP2);
        assert.equal(cron.state, 'critical');
        assert.match(cron.reason, /^cron is not running on idp2\.gluu\.test/);
        assert.equal(row(report, 'files', 'probe', IDP2).state, 'ok', 'csync2 itself still works');
      } finally {
        await shOn(sb.lab, 'idp2', 'service cron start');
      }
      // What the next cron run does: send it (then remove it again, sent the same way).
      await shOn(sb.lab, 'idp2', 'csync2 -x');
      await shOn(sb.lab, 'idp2', `rm -f ${file} && csync2 -x`);
      await untilHealthy('files');
    });

    it('oxIDPAuthentication servers changed by hand with ldapmodify: a drift warning with the ldap-idp-auth step', async () => {
      const found = await ldap(
        'ldapsearch',
        "-LLL -o ldif-wrap=no -b ou=appliances,o=gluu '(objectClass=gluuAppliance)' oxIDPAuthentication",
      );
      const dn = /^dn: (.*)$/m.exec(found)![1];
      const value = /^oxIDPAuthentication: (.*)$/m.exec(found)![1];
      const changed = value.replace(`\\"${IDP1}:1636\\",\\"${IDP2}:1636\\"`, `\\"${IDP1}:1636\\"`);
      assert.notEqual(changed, value);
      const modify = (v: string) =>
        ldap('ldapmodify', '', `dn: ${dn}\nchangetype: modify\nreplace: oxIDPAuthentication\noxIDPAuthentication: ${v}\n`);
      await modify(changed);
      try {
        const { report } = await health('drift');
        const idp = row(report, 'drift', 'ldap-idp', IDP1);
        assert.equal(idp.state, 'warning');
        assert.equal(idp.fixStep, 'ldap-idp-auth');
        assert.equal(
          idp.reason,
          `oxIDPAuthentication on ${IDP1} lists the servers ${IDP1}:1636, the cluster file says ${IDP1}:1636, ${IDP2}:1636`,
        );
        assert.equal(row(report, 'drift', 'ldap-cache', IDP1).state, 'ok');
      } finally {
        await modify(value);
      }
      await untilHealthy('drift');
    });

    it('/etc/hosts changed on a node: a drift warning naming the host and the address, with the hosts step', async () => {
      await shOn(sb.lab, 'idp2', 'cp /etc/hosts /root/hosts.health-test');
      await shOn(sb.lab, 'idp2', `{ printf '10.99.99.99 ${IDP1}\\n'; cat /root/hosts.health-test; } > /etc/hosts`);
      try {
        const { report } = await health('drift');
        const hosts = row(report, 'drift', 'hosts-file', IDP2);
        assert.equal(hosts.state, 'warning');
        assert.equal(hosts.fixStep, 'hosts');
        assert.match(hosts.reason, /^\/etc\/hosts on idp2\.gluu\.test: idp1\.gluu\.test is 10\.99\.99\.99, the cluster file says 10\./);
        assert.equal(row(report, 'drift', 'hosts-file', IDP1).state, 'ok');
      } finally {
        await shOn(sb.lab, 'idp2', 'cat /root/hosts.health-test > /etc/hosts');
      }
      await untilHealthy('drift');
    });
  });
