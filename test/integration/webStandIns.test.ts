/**
 * The sandbox nodes' web stand-ins (scripts/sandbox/web.cjs): HTTPS on 443 naming the node and
 * the service, oxAuth's issuer the load balancer; the product's restart step over SSH; a stopped
 * oxauth taking /.well-known down on its node; and, after the product's nginx step, the load
 * balancer answering from each node in turn.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { planInput, renderStep } from '../../src/core/plan/plan';
import { summarize } from '../../src/core/run/summary';
import { sh } from '../../src/core/ssh/shell';
import { lab } from './lab';
import { sandboxUp, type Sandbox } from './sandbox';
import { sandboxSsh, type SandboxSsh } from './sandboxSsh';

const NODES = ['idp1.gluu.test', 'idp2.gluu.test'];
const LB = 'lb.gluu.test';

/** curl -k from this machine: status and body. */
function curl(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-sk', '--max-time', '10', '-w', '\n%{http_code}', url], (e, stdout) => {
      if (e) return reject(new Error(`curl ${url}: ${e.message}`));
      const i = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) });
    }),
  );
}

describe('the web stand-ins on the sandbox nodes', function () {
  this.timeout(120000);
  let sb: Sandbox;
  let ssh: SandboxSsh;
  const at = (host: string, p: string) => curl(`https://${sb.hosts[host].address}${p}`);

  before(async () => {
    const can = lab.canUseNetns();
    if (can !== true) throw new Error(`these tests need network namespaces (run as root): ${can}`);
    sb = await sandboxUp();
    ssh = sandboxSsh(sb);
  });
  after(async () => {
    await ssh?.close();
    if (sb) await sb.down();
  });

  it("answer HTTPS on each node's address with the node's name; oxAuth's issuer is the load balancer", async () => {
    for (const node of NODES) {
      const wk = await at(node, '/.well-known/openid-configuration');
      assert.equal(wk.status, 200, wk.body);
      const doc = JSON.parse(wk.body);
      assert.equal(doc.issuer, `https://${LB}`);
      assert.equal(doc['x-gluu-sandbox-node'], node);
      assert.equal(doc['x-gluu-sandbox-service'], 'oxauth');
      assert.equal(doc.token_endpoint, `https://${LB}/oxauth/restv1/token`);
      for (const [p, service] of [
        ['/oxauth/restv1/authorize', 'oxauth'],
        ['/identity/home.htm', 'identity'],
        ['/idp/profile/SAML2/Redirect/SSO', 'identity'],
      ]) {
        const r = await at(node, p);
        assert.equal(r.status, 200, `${node}${p}: ${r.body}`);
        assert.deepEqual(JSON.parse(r.body), { 'x-gluu-sandbox-node': node, 'x-gluu-sandbox-service': service, path: p });
      }
      assert.equal((await at(node, '/nothing-here')).status, 404);
    }
  });

  it("the product's restart step restarts identity and oxauth over SSH and verifies oxauth", async () => {
    const pids = async (node: string) => (await ssh.run(node, sh`cat /var/run/jetty/oxauth.pid /var/run/jetty/identity.pid`)).stdout;
    const before = await Promise.all(NODES.map(pids));
    const o = await ssh.step(renderStep('restart', planInput(ssh.config)));
    assert.equal(o.status, 'done', summarize(o).join('\n'));
    for (const seq of o.sequences.filter((x) => x.host)) assert.equal(seq.verified, true, `verified on ${seq.host}`);
    const after = await Promise.all(NODES.map(pids));
    NODES.forEach((n, i) => assert.notEqual(after[i], before[i], `${n}: new oxauth and identity processes`));
    for (const node of NODES) assert.equal((await at(node, '/.well-known/openid-configuration')).status, 200);
  });

  it('`service oxauth stop` takes /.well-known and /oxauth down on that node only; identity keeps answering', async () => {
    const stop = await ssh.run('idp2.gluu.test', sh`service oxauth stop; service oxauth status`);
    assert.equal(stop.code, 3, 'status: not running');
    assert.match(stop.stdout, /oxauth stopped\noxauth is not running/);
    try {
      assert.equal((await at('idp2.gluu.test', '/.well-known/openid-configuration')).status, 503);
      assert.equal((await at('idp2.gluu.test', '/oxauth/restv1/token')).status, 503);
      assert.equal((await at('idp2.gluu.test', '/identity/home.htm')).status, 200);
      assert.equal((await at('idp1.gluu.test', '/.well-known/openid-configuration')).status, 200);
    } finally {
      const start = await ssh.run('idp2.gluu.test', sh`service oxauth start`);
      assert.equal(start.code, 0, start.stderr);
    }
    assert.equal((await at('idp2.gluu.test', '/.well-known/openid-configuration')).status, 200);
  });

  it("after the product's nginx step the load balancer answers /.well-known from each node in turn", async () => {
    const o = await ssh.step(renderStep('nginx', planInput(ssh.config)));
    assert.equal(o.status, 'done', summarize(o).join('\n'));
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await curl(`https://${sb.hosts[LB].address}/.well-known/openid-configuration`);
      assert.equal(r.status, 200, r.body);
      const doc = JSON.parse(r.body);
      assert.equal(doc.issuer, `https://${LB}`);
      seen.push(doc['x-gluu-sandbox-node']);
    }
    // Round robin: the nodes take turns.
    assert.deepEqual([...new Set(seen)].sort(), NODES);
    for (let i = 1; i < seen.length; i++) assert.notEqual(seen[i], seen[i - 1], `in turn: ${seen.join(', ')}`);
  });
});
