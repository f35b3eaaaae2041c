/** The files (csync2) and drift checks' pure parts: what they read and how they judge it. */
import * as assert from 'node:assert/strict';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import {
  cacheDrift,
  csync2Drift,
  csync2Hosts,
  hostsDrift,
  idpDrift,
  nginxDrift,
  nginxUpstreams,
  oxLdapDrift,
} from '../../src/core/health/checks/driftCompare';
import { cronVerdict, parseCsyncFacts, unsyncedVerdict } from '../../src/core/health/checks/files';
import { csync2CronLine } from '../../src/core/plan/steps/csync2';
import { renderCsync2Cfg } from '../../src/core/render/csync2';
import { renderNginxConf } from '../../src/core/render/nginx';

const config = (): ClusterConfig => parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
const H = 'idp2.example.org';
const NODES = config().nodes.map((n) => n.host);

describe('health: files (csync2)', () => {
  const out = (cron: string, daemon: string, dirty: string, rc = 0) => `cron-line ${cron}\ncron-daemon ${daemon}\ndirty ${rc}\n${dirty}`;

  it("ok with the step's cron line, cron running and nothing dirty (csync2 -M exits 2 when empty)", () => {
    const f = parseCsyncFacts(out(csync2CronLine(config(), H), 'running', '', 2));
    assert.equal(cronVerdict(config(), H, f).state, 'ok');
    assert.equal(unsyncedVerdict(H, f, NODES).state, 'ok');
  });

  it('a missing cron line is critical with the csync2 step; cron stopped is critical; another schedule a warning', () => {
    const none = cronVerdict(config(), H, parseCsyncFacts(out('', 'running', '', 2)));
    assert.equal(none.state, 'critical');
    assert.equal(none.fixStep, 'csync2');
    assert.match(none.reason, /^idp2\.example\.org has no csync2 line in root's crontab/);
    const stopped = cronVerdict(config(), H, parseCsyncFacts(out(csync2CronLine(config(), H), 'stopped', '', 2)));
    assert.equal(stopped.state, 'critical');
    assert.match(stopped.reason, /^cron is not running on idp2\.example\.org/);
    const other = cronVerdict(config(), H, parseCsyncFacts(out(csync2CronLine(config(), H).replace(/^\S+/, '*/3'), 'running', '', 2)));
    assert.equal(other.state, 'warning');
  });

  it("dirty files are a warning naming them (csync2 -M's FLAG TAB ME TAB PEER TAB FILE)", () => {
    const f = parseCsyncFacts(
      out('x', 'running', `chary\t${H}\tidp1.example.org\t/etc/gluu/conf/a b.txt\nforce\t${H}\tidp3\t/etc/gluu/conf/a b.txt\n`),
    );
    const v = unsyncedVerdict(H, f, [...NODES, 'idp3']);
    assert.equal(v.state, 'warning');
    assert.equal(v.reason, `${H} has 1 file(s) not yet sent: /etc/gluu/conf/a b.txt`);
    assert.deepEqual(v.details, ['/etc/gluu/conf/a b.txt (to idp1.example.org, idp3)']);
  });

  it("files still due to a host that is not a node (a removed one's) name it and the csync2 step, which drops them", () => {
    const f = parseCsyncFacts(
      out('x', 'running', `chary\t${H}\tidp9.example.org\t/etc/gluu/conf/x\nchary\t${H}\t${NODES[0]}\t/etc/gluu/conf/y\n`),
    );
    const v = unsyncedVerdict(H, f, NODES);
    assert.equal(v.state, 'warning');
    assert.equal(v.fixStep, 'csync2');
    assert.match(
      v.reason,
      /^idp2\.example\.org still has file\(s\) to send to idp9\.example\.org, not a node of the cluster: csync2 -x fails/,
    );
    assert.deepEqual(v.details, ['/etc/gluu/conf/x (to idp9.example.org)', `/etc/gluu/conf/y (to ${NODES[0]})`]);
    // due to nodes only: the plain warning, no step (cron sends them)
    assert.equal(unsyncedVerdict(H, f, [...NODES, 'idp9.example.org']).fixStep, undefined);
  });

  it('a tool that cannot tell is unknown, never ok', () => {
    assert.equal(unsyncedVerdict(H, parseCsyncFacts('cron-line \ncron-daemon running\ncsync2 missing\n'), NODES).state, 'unknown');
    assert.equal(
      unsyncedVerdict(H, parseCsyncFacts('cron-line \ncron-daemon running\ncheck-failed database is locked\n'), NODES).state,
      'unknown',
    );
    assert.equal(unsyncedVerdict(H, parseCsyncFacts(out('x', 'running', 'sqlite error', 1)), NODES).state, 'unknown');
  });
});

describe('health: drift', () => {
  const idpValue = (servers: string[]) =>
    JSON.stringify({
      type: 'auth',
      config: JSON.stringify({ configId: 'auth_ldap_server', servers, bindPassword: 'enc', useSSL: 'true' }),
    });

  it("LDAP values are judged by what the steps' own change would write", () => {
    const c = config();
    const want = ['idp1.example.org:1636', 'idp2.example.org:1636'];
    assert.equal(idpDrift(c, 'idp1.example.org', [idpValue(want)]).state, 'ok');
    const v = idpDrift(c, 'idp1.example.org', [idpValue(['idp1.example.org:1636'])]);
    assert.equal(v.state, 'warning');
    assert.equal(v.fixStep, 'ldap-idp-auth');
    assert.match(
      v.reason,
      /lists the servers idp1\.example\.org:1636, the cluster file says idp1\.example\.org:1636, idp2\.example\.org:1636/,
    );
    assert.ok(!JSON.stringify(v).includes('enc'), 'no encoded password in the row');
    const cache = (servers: string) =>
      JSON.stringify({ cacheProviderType: 'REDIS', redisConfiguration: { redisProviderType: 'STANDALONE', servers, password: 'enc' } });
    const wantCache = `${c.cache!.host}:${c.cache!.port}`;
    assert.equal(cacheDrift(c, 'idp1.example.org', 'oxCacheConfiguration', cache(wantCache)).state, 'ok');
    const d = cacheDrift(c, 'idp1.example.org', 'oxCacheConfiguration', cache('other:6379'));
    assert.equal(d.state, 'warning');
    assert.equal(d.fixStep, 'ldap-cache');
    assert.ok(!JSON.stringify(d).includes('enc'));
  });

  it("nginx.conf: the upstreams' servers named when they differ", () => {
    const c = config();
    const text = renderNginxConf(c);
    assert.deepEqual([...nginxUpstreams(text).keys()], ['backend_id', 'backend']);
    assert.deepEqual(nginxUpstreams(text).get('backend'), ['idp1.example.org:443', 'idp2.example.org:443']);
    assert.equal(nginxDrift('lb', text, text).state, 'ok');
    const v = nginxDrift('lb', text.replace(/ +server idp2\.example\.org:443[^\n]*\n/g, ''), text);
    assert.equal(v.state, 'warning');
    assert.equal(v.fixStep, 'nginx');
    assert.match(v.reason, /upstream backend_id has idp1\.example\.org:443, want idp1\.example\.org:443, idp2\.example\.org:443/);
    assert.match(nginxDrift('lb', text.replace('6500', '100'), text).reason, /outside the upstreams/);
  });

  it('csync2.cfg: the host lists compared; other differences still a warning', () => {
    const text = renderCsync2Cfg(config());
    assert.deepEqual(csync2Hosts(text), ['idp1.example.org', 'idp2.example.org']);
    assert.deepEqual(csync2Hosts('group g {\n  host a (b) c@10.0.0.1;\n  host d; # e\n}'), ['a', 'b', 'c', 'd']);
    assert.equal(csync2Drift(H, text, text).state, 'ok');
    const v = csync2Drift(H, text.replace('    host idp2.example.org;\n', ''), text);
    assert.equal(v.state, 'warning');
    assert.equal(v.fixStep, 'csync2');
    assert.match(v.reason, /syncs with idp1\.example\.org, the cluster's csync2\.cfg with idp1\.example\.org, idp2\.example\.org/);
  });

  it('/etc/hosts: the first line naming a host decides its address', () => {
    const c = config();
    const good = [`${c.loadBalancer.address} ${c.loadBalancer.host}`, ...c.nodes.map((n) => `${n.address} ${n.host} short`)].join('\n');
    assert.equal(hostsDrift(c, H, good).state, 'ok');
    const v = hostsDrift(c, H, `10.9.9.9 ${H}\n${good}`);
    assert.equal(v.state, 'warning');
    assert.equal(v.fixStep, 'hosts');
    assert.match(v.reason, new RegExp(`^/etc/hosts on ${H}: ${H} is 10\\.9\\.9\\.9, the cluster file says`));
    assert.match(hostsDrift(c, H, '127.0.0.1 localhost').reason, /is missing/);
  });

  it('ox-ldap.properties: the node first, then the others; the LDAP failover step fixes a difference', () => {
    const c = config();
    assert.equal(oxLdapDrift(c, H, 'servers: idp2.example.org:1636,idp1.example.org:1636\n').state, 'ok');
    const v = oxLdapDrift(c, H, 'bindPassword: x\nservers: localhost:1636\n');
    assert.equal(v.state, 'warning');
    assert.equal(v.fixStep, 'ox-ldap-servers');
    assert.match(v.reason, /has servers: localhost:1636; the cluster file says idp2\.example\.org:1636,idp1\.example\.org:1636$/);
  });
});
