/**
 * The whole plan from the CLI on a fresh sandbox (nothing marked by hand: setup.py runs
 * unattended), then the cluster checked as an operator would: HTTPS through the load balancer
 * answers from each node and keeps answering with one node's web application stopped, a file
 * written on one node reaches the other by csync2's cron schedule alone, LDAP replicates, and
 * the Redis password in Gluu's cache configuration decodes to the one Redis requires. Then Cluster
 * Health on the cluster it built (healthServices.ts, healthCluster.ts): a whole plan is the
 * costliest set-up there is, and each health test undoes its fault before the next one.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { healthClusterTests } from './healthCluster';
import { REDIS_PASSWORD, clusterCli } from './healthSandbox';
import { healthServicesTests } from './healthServices';
import { lab, shOn } from './lab';
import { fileArrives, ldapToolOn, sandboxUp, type Sandbox } from './sandbox';

describe('the whole plan on a fresh sandbox', function () {
  this.timeout(600000);
  let sb: Sandbox;
  let password: string;
  let lbAddress: string;

  const cli = (...args: string[]) => clusterCli(sb, password, args);
  /** One request through the load balancer, from this machine: status and body. */
  const throughLb = (pathname: string) => {
    const out = execFileSync('curl', ['-sk', '-w', '\\n%{http_code}', `https://${lbAddress}${pathname}`], {
      encoding: 'utf8',
      timeout: 20000,
    });
    const cut = out.lastIndexOf('\n');
    return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
  };

  before(async () => {
    sb = await sandboxUp({ name: 'whole' });
    password = readFileSync(sb.ldapPasswordFile, 'utf8');
    lbAddress = sb.hosts['lb.gluu.test'].address;
    // csync2 every minute, so the cron schedule is seen working within the test.
    writeFileSync(sb.clusterFile, `${readFileSync(sb.clusterFile, 'utf8')}csync2:\n  intervalMinutes: 1\n`);
  });
  after(async () => {
    if (sb) await sb.down();
  });

  /**
   * The whole plan from the CLI, run once: the first test's subject, and what the health suites
   * below need when a --grep leaves that test out. The operator checked the primary's LDAP
   * certificate (the CLI never trusts one silently).
   */
  let planRun: ReturnType<typeof cli> | undefined;
  const wholePlan = () => (planRun ??= cli('run', '--yes', '--ldap-cert-fingerprint', sb.ldap['idp1.gluu.test'].fingerprint));

  it('gluu-cluster run takes the cluster from nothing to done; the OpenDJ-only steps say why they do not apply', async () => {
    const t0 = Date.now();
    const r = await wholePlan();
    assert.equal(r.code, 0, r.out + r.err);
    console.log(`      whole plan on 2 nodes: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const secret of [password, REDIS_PASSWORD]) assert.ok(!(r.out + r.err).includes(secret), 'no password printed');
    const status = await cli('status');
    const lines = status.out.trim().split('\n');
    for (const l of lines) assert.match(l, / done$| does not apply: only for OpenDJ/, l);
    assert.equal(lines.filter((l) => / done$/.test(l)).length, 16, status.out);
  });

  it('gluu-cluster verify adopts the cluster into an empty run state: every step with a check holds, nothing changes', async () => {
    const state = `${sb.dir}/adopted-state.json`;
    const r = await cli('verify', '--state', state);
    assert.equal(r.code, 0, r.out + r.err);
    const lines = r.out.trim().split('\n');
    const verdicts = lines.slice(0, -1).map((l) => l.split(/\s+/).slice(0, 2).join(' '));
    assert.ok(
      verdicts.every((v) => /^HOLDS /.test(v) || /^\? certs$/.test(v)),
      r.out,
    );
    // The LDAP steps' values are read with the password in the environment.
    for (const id of ['ldap-cache', 'ldap-idp-auth']) assert.ok(verdicts.includes(`HOLDS ${id}`), r.out);
    assert.match(lines.at(-1)!, /^\d+ of \d+ step targets hold; the run state now says so\.$/);
    const status = await cli('status', '--state', state);
    for (const id of [
      'hosts',
      'openldap-replication',
      'csync2',
      'nginx',
      'redis',
      'ldap-cache',
      'ldap-idp-auth',
      'keystores',
      'ox-ldap-servers',
    ])
      assert.match(status.out, new RegExp(`\\b${id} +done\\n`), status.out);
    for (const secret of [password, REDIS_PASSWORD]) assert.ok(!(r.out + r.err).includes(secret));
  });

  it('HTTPS through the load balancer answers 200 from each node, with the load balancer as issuer', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const r = throughLb('/.well-known/openid-configuration');
      assert.equal(r.status, 200, r.body);
      const doc = JSON.parse(r.body) as Record<string, string>;
      assert.equal(doc.issuer, 'https://lb.gluu.test');
      seen.add(doc['x-gluu-sandbox-node']);
    }
    assert.deepEqual([...seen].sort(), ['idp1.gluu.test', 'idp2.gluu.test']);
  });

  it("keeps answering 200 with one node's web application stopped", async () => {
    await shOn(sb.lab, 'idp2', 'service oxauth stop');
    try {
      for (let i = 0; i < 6; i++) {
        const r = throughLb('/.well-known/openid-configuration');
        assert.equal(r.status, 200, r.body);
        assert.equal((JSON.parse(r.body) as Record<string, string>)['x-gluu-sandbox-node'], 'idp1.gluu.test');
      }
    } finally {
      await shOn(sb.lab, 'idp2', 'service oxauth start');
    }
  });

  it("a file written on one node reaches the other by csync2's cron schedule alone", async () => {
    const name = `/etc/gluu/conf/cron-probe-${process.pid}`;
    await shOn(sb.lab, 'idp2', `printf 'from idp2\\n' > ${name}`);
    assert.equal(await fileArrives(sb.lab, 'idp1', name, 150), 'from idp2\n');
  });

  it('LDAP replicates both ways, and the Redis password in LDAP opens Redis', async () => {
    const tool = (node: string, t: string, args: string, input?: string) =>
      ldapToolOn(sb.lab, node, '/root/.whole-test.pw', t, args, { ...(input !== undefined ? { input } : {}) });
    for (const n of ['idp1', 'idp2']) await shOn(sb.lab, n, `umask 077; cat > /root/.whole-test.pw`, password);
    await tool('idp2', 'ldapadd', '', 'dn: cn=whole-probe,o=gluu\nobjectClass: organizationalRole\ncn: whole-probe\n');
    const end = Date.now() + 30000;
    while (!(await tool('idp1', 'ldapsearch', "-LLL -b 'cn=whole-probe,o=gluu' -s base 1.1").catch(() => '')).includes('dn:')) {
      if (Date.now() > end) assert.fail('an entry added on idp2 did not reach idp1 within 30 s');
      await new Promise((res) => setTimeout(res, 100));
    }
    const cache = JSON.parse(
      /^oxCacheConfiguration: (.*)$/m.exec(
        await tool('idp1', 'ldapsearch', "-LLL -o ldif-wrap=no -b ou=appliances,o=gluu '(objectClass=gluuAppliance)' oxCacheConfiguration"),
      )![1],
    ) as { redisConfiguration: { password: string; servers: string } };
    // Gluu's own tool on the primary decodes it; with it, Redis answers a node.
    const decoded = (await shOn(sb.lab, 'idp1', `/opt/gluu/bin/encode.py -D ${cache.redisConfiguration.password}`)).replace(/\n$/, '');
    assert.ok(decoded === REDIS_PASSWORD, 'the cache configuration holds the Redis password (values not printed)');
    const [host, port] = cache.redisConfiguration.servers.split(':');
    const pong = (
      await lab.runAs(sb.lab, 'idp2', 'redis-cli', ['-h', host, '-p', port, 'ping'], { env: { ...process.env, REDISCLI_AUTH: decoded } })
    ).stdout;
    assert.equal(pong.trim(), 'PONG');
  });

  describe('then Cluster Health on the cluster it built', () => {
    before(async () => {
      const plan = await wholePlan();
      assert.equal(plan.code, 0, `the whole plan failed:\n${plan.out}${plan.err}`);
    });
    const cluster = () => ({ sb, password });
    healthServicesTests(cluster);
    healthClusterTests(cluster);
  });
});
