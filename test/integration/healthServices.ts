/**
 * The health checks of the load balancer, the web applications, the cache and the certificates
 * against a sandbox the whole plan has set up: every row ok when healthy; then one real fault at
 * a time (Redis stopped, its password changed behind the product's back, nginx stopped, one
 * node's oxAuth stopped, one node's httpd.crt replaced), each seen with the right state and a
 * reason that names the host and the cause, and every row ok again once it is undone. Through
 * the CLI, as cron or Nagios would run it: exit codes, the JSON (version 1), no password printed.
 */
import * as assert from 'node:assert/strict';
import type { HealthGroup, HealthReport, HealthRow } from '../../src/core/health/model';
import { REDIS_PASSWORD, clusterCli, showRows as show, type BuiltCluster } from './healthSandbox';
import { lab, shOn } from './lab';
import { type Sandbox } from './sandbox';

const CHANGED_PASSWORD = 'changed-behind-its-back';
const GROUPS: HealthGroup[] = ['loadBalancer', 'webApps', 'cache', 'certificates'];
const LB = 'lb.gluu.test';
const CACHE = 'idp1.gluu.test';
/** How long a fault (or its undoing) may take to show: nginx skips a failed node for 10 s. */
const SETTLE_MS = 60000;

/** The tests, on the cluster wholeCluster.test.ts built (healthCluster.ts runs after them). */
export const healthServicesTests = (cluster: () => BuiltCluster) =>
  describe('health of the load balancer, web applications, cache and certificates', function () {
    let sb: Sandbox;
    let password: string;

    const cli = (...args: string[]) => clusterCli(sb, password, args);

    /** gluu-cluster health --json --only GROUPS: exit code and report; never a password in the output. */
    const health = async (groups: readonly HealthGroup[] = GROUPS) => {
      const r = await cli('health', '--json', '--only', groups.join(','));
      for (const secret of [password, REDIS_PASSWORD, CHANGED_PASSWORD])
        assert.ok(!(r.out + r.err).includes(secret), 'no password printed');
      const report = JSON.parse(r.out) as HealthReport;
      assert.equal(report.version, 1);
      return { code: r.code, report };
    };

    /** Runs health until `done` holds (bounded); the last report either way. */
    const until = async (groups: readonly HealthGroup[], what: string, done: (rows: HealthRow[]) => boolean) => {
      const end = Date.now() + SETTLE_MS;
      for (;;) {
        const h = await health(groups);
        if (done(h.report.rows)) return h;
        if (Date.now() > end) assert.fail(`${what} within ${SETTLE_MS / 1000} s; last report:\n${show(h.report.rows)}`);
        await new Promise((res) => setTimeout(res, 500));
      }
    };
    const allOk = (rows: HealthRow[]) => rows.length > 0 && rows.every((r) => r.state === 'ok');
    const row = (rows: HealthRow[], group: HealthGroup, check: string, host: string) => {
      const r = rows.find((x) => x.group === group && x.check === check && x.host === host);
      assert.ok(r, `no ${group}/${check} row for ${host}:\n${show(rows)}`);
      return r;
    };
    /** Waits for a row to reach `state`, then checks its reason. */
    const expectRow = async (group: HealthGroup, check: string, host: string, state: string, reason: RegExp) => {
      const h = await until([group], `${group}/${check} on ${host} is not ${state}`, (rows) =>
        rows.some((r) => r.group === group && r.check === check && r.host === host && r.state === state),
      );
      const r = row(h.report.rows, group, check, host);
      assert.match(r.reason, reason);
      assert.ok(r.reason.includes(host) || r.reason.includes(host.split('.')[0]), `the reason names ${host}: ${r.reason}`);
      return h;
    };
    const backToOk = (groups: readonly HealthGroup[], after: string) => until(groups, `not every row ok again after ${after}`, allOk);

    before(() => ({ sb, password } = cluster()));

    it('a healthy cluster: every row of the four groups ok, from the CLI (exit 0, JSON version 1)', async () => {
      const { code, report } = await backToOk(GROUPS, 'the whole plan');
      assert.equal(code, 0);
      const ids = (g: HealthGroup) => report.rows.filter((r) => r.group === g).map((r) => `${r.check} ${r.host}`);
      assert.deepEqual(ids('loadBalancer'), [
        'nginx lb.gluu.test',
        'upstream lb.gluu.test',
        'upstream lb.gluu.test',
        'discovery lb.gluu.test',
        'balancing lb.gluu.test',
      ]);
      // The sandbox nodes have /opt/shibboleth-idp, as a Gluu installed with Shibboleth does.
      assert.deepEqual(
        ids('webApps'),
        ['idp1.gluu.test', 'idp2.gluu.test'].flatMap((n) => [`oxauth ${n}`, `identity ${n}`, `shibboleth ${n}`]),
      );
      assert.deepEqual(ids('cache'), ['redis idp1.gluu.test', 'exposure idp1.gluu.test', 'ldap idp1.gluu.test']);
      assert.deepEqual(ids('certificates'), [
        'httpd lb.gluu.test',
        'httpd idp1.gluu.test',
        'keystore idp1.gluu.test',
        'httpd idp2.gluu.test',
        'keystore idp2.gluu.test',
      ]);
      assert.match(row(report.rows, 'loadBalancer', 'balancing', LB).reason, /idp1\.gluu\.test 2, idp2\.gluu\.test 2/);
      const only = await health(['cache']);
      assert.equal(only.code, 0);
      assert.deepEqual(new Set(only.report.rows.map((r) => r.group)), new Set(['cache']));
    });

    it('Redis stopped: critical naming the cache host, exit code 2; ok again once it runs', async () => {
      await shOn(sb.lab, 'idp1', 'service redis-server stop');
      try {
        const h = await expectRow('cache', 'redis', CACHE, 'critical', /does not answer/);
        assert.equal(h.code, 2);
      } finally {
        await shOn(sb.lab, 'idp1', 'service redis-server start');
      }
      assert.equal((await backToOk(['cache'], 'Redis started')).code, 0);
    });

    it("the Redis password changed behind the product's back: critical, the stored password refused", async () => {
      const address = sb.hosts[CACHE].address;
      const setPassword = async (from: string, to: string) => {
        const r = await lab.runAs(sb.lab, 'idp1', 'redis-cli', ['-h', address, 'config', 'set', 'requirepass', to], {
          env: { ...process.env, REDISCLI_AUTH: from },
        });
        assert.equal(r.stdout.trim(), 'OK', r.stdout + r.stderr);
      };
      await setPassword(REDIS_PASSWORD, CHANGED_PASSWORD);
      try {
        const h = await expectRow(
          'cache',
          'redis',
          CACHE,
          'critical',
          /stored Redis password is refused by Redis on idp1\.gluu\.test \(changed behind/,
        );
        assert.equal(h.code, 2);
        assert.equal(row(h.report.rows, 'cache', 'exposure', CACHE).state, 'ok', 'Redis still requires a password');
      } finally {
        await setPassword(CHANGED_PASSWORD, REDIS_PASSWORD);
      }
      await backToOk(['cache'], 'the password set back');
    });

    it('nginx stopped on the load balancer: critical; ok again once it runs', async () => {
      await shOn(sb.lab, 'lb', 'nginx -s stop');
      try {
        const h = await expectRow('loadBalancer', 'nginx', LB, 'critical', /nginx is not running on lb\.gluu\.test/);
        assert.equal(row(h.report.rows, 'loadBalancer', 'discovery', LB).state, 'critical');
        assert.equal(h.code, 2);
      } finally {
        await shOn(sb.lab, 'lb', 'nginx </dev/null >/dev/null 2>&1');
      }
      await backToOk(['loadBalancer'], 'nginx started');
    });

    it("one node's oxAuth stopped: critical on that node, the load balancer's balancing a warning naming it", async () => {
      await shOn(sb.lab, 'idp2', 'service oxauth stop');
      try {
        await expectRow('webApps', 'oxauth', 'idp2.gluu.test', 'critical', /oxAuth on idp2\.gluu\.test .*HTTP 503, not 200/);
        const h = await expectRow('loadBalancer', 'balancing', LB, 'warning', /idp2\.gluu\.test .*answered none of 4 requests/);
        // nginx passes the requests on: through the load balancer discovery still works.
        assert.equal(row(h.report.rows, 'loadBalancer', 'discovery', LB).state, 'ok');
        const web = await health(['webApps']);
        assert.equal(row(web.report.rows, 'webApps', 'oxauth', 'idp1.gluu.test').state, 'ok');
        assert.equal(web.code, 2);
      } finally {
        await shOn(sb.lab, 'idp2', 'service oxauth start');
      }
      await backToOk(['webApps', 'loadBalancer'], 'oxAuth started');
    });

    it("one node's httpd.crt replaced: critical on that node (and its stale keystore alias); ok again once it is back", async () => {
      await shOn(
        sb.lab,
        'idp2',
        'cp -p /etc/certs/httpd.crt /root/httpd.crt.health-test && openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=idp2.gluu.test -keyout /root/httpd.key.health-test-new -out /etc/certs/httpd.crt 2>/dev/null',
      );
      try {
        const h = await expectRow(
          'certificates',
          'httpd',
          'idp2.gluu.test',
          'critical',
          /httpd\.crt on idp2\.gluu\.test is not the primary's/,
        );
        const ks = row(h.report.rows, 'certificates', 'keystore', 'idp2.gluu.test');
        assert.equal(ks.state, 'critical');
        assert.match(ks.reason, /idp2\.gluu\.test's cacerts .* another certificate than \/etc\/certs\/httpd\.crt/);
        assert.equal(row(h.report.rows, 'certificates', 'httpd', 'idp1.gluu.test').state, 'ok');
      } finally {
        await shOn(
          sb.lab,
          'idp2',
          'cp -p /root/httpd.crt.health-test /etc/certs/httpd.crt && rm -f /root/httpd.crt.health-test /root/httpd.key.health-test-new',
        );
      }
      await backToOk(['certificates'], 'the certificate put back');
    });
  });
