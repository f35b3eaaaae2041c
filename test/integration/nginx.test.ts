/**
 * The generated nginx.conf on a real nginx: it passes `nginx -t`, and as the load balancer of
 * two HTTPS backends in their own network namespaces it spreads requests over both, keeps
 * /identity on one node, redirects http to https, and keeps serving when one node stops.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import { planInput, renderStep } from '../../src/core/plan/plan';
import { renderNginxConf } from '../../src/core/render/nginx';
import { checkNginxConf } from '../../src/core/render/nginxCheck';
import { lab, shOn, type Daemon, type Lab } from './lab';

const CLUSTER = (a: Record<string, string>) => `name: nginx-test
gluu: { version: 3.1.5, container: none }
loadBalancer: { host: lb.gluu.test, address: ${a.lb} }
nodes:
  - { host: idp1.gluu.test, address: ${a.idp1}, primary: true }
  - { host: idp2.gluu.test, address: ${a.idp2} }
`;

describe('generated nginx.conf on real nginx', function () {
  this.timeout(120000);
  let l: Lab;
  let conf = '';
  let config: ClusterConfig;
  const backends: Record<string, Daemon> = {};

  before(async () => {
    const can = lab.canUseNetns();
    if (can !== true) throw new Error(`these tests need network namespaces (run as root): ${can}`);
    l = lab.labUp({
      hosts: [
        { name: 'lb', hostname: 'lb.gluu.test' },
        { name: 'idp1', hostname: 'idp1.gluu.test' },
        { name: 'idp2', hostname: 'idp2.gluu.test' },
      ],
    });
    const addr = Object.fromEntries(Object.values(l.hosts).map((h) => [h.name, h.address]));
    config = parseClusterFile(CLUSTER(addr)).config!;
    conf = renderNginxConf(config);
    // The node certificate the nginx step relays from the primary: one self-signed pair.
    const crt = path.join(l.dir, 'httpd.crt');
    const key = path.join(l.dir, 'httpd.key');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=lb.gluu.test', '-keyout', key, '-out', crt],
      { stdio: 'ignore' },
    );
    // Lab hosts see the lab directory but have their own /tmp: the project may live under it.
    const backend = path.join(l.dir, 'https-backend.js');
    copyFileSync(path.join(__dirname, '..', '..', '..', 'test', 'integration', 'https-backend.js'), backend);
    for (const n of ['idp1', 'idp2']) {
      backends[n] = lab.daemonAs(l, n, 'https', process.execPath, [backend, n, crt, key]);
      await lab.waitPort(l, n, 443);
    }
    // On the load balancer, exactly what the nginx step does: certs in /etc/nginx/ssl, the file in place.
    await shOn(l, 'lb', `mkdir -p /etc/nginx/ssl && cp ${crt} ${key} /etc/nginx/ssl/ && cat > /etc/nginx/nginx.conf`, conf);
  });

  after(async () => {
    if (l) await lab.labDown(l);
  });

  it('passes nginx -t on the load balancer as generated', async () => {
    await shOn(l, 'lb', 'nginx -t 2>&1');
  });

  it("passes the editor's nginx -t check with upstream names mapped from the cluster file", async () => {
    const hosts = Object.fromEntries(Object.values(l.hosts).map((h) => [h.hostname, h.address]));
    const r = await checkNginxConf(conf, hosts);
    assert.deepEqual(r, { ok: true, problems: [] });
    const broken = await checkNginxConf(conf.replace('ip_hash;', 'ip_hash'), hosts);
    assert.equal(broken.ok, false);
    assert.equal(broken.problems[0].line, conf.split('\n').findIndex((x) => x.includes('ip_hash')) + 1);
  });

  it('balances over both nodes, keeps /identity sticky, redirects http, and survives a node going down', async () => {
    const nginx = lab.daemonAs(l, 'lb', 'nginx', 'nginx', ['-g', 'daemon off;']);
    await lab.waitPort(l, 'lb', 443);
    const get = async (p: string) => (await shOn(l, 'idp1', `curl -sk --max-time 5 https://lb.gluu.test${p}`)).trim();
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await get('/oxauth/.well-known/openid-configuration')).split(' ')[0]);
    assert.deepEqual([...seen].sort(), ['idp1', 'idp2'], 'round robin reaches both nodes');
    const sticky = new Set<string>();
    for (let i = 0; i < 6; i++) sticky.add((await get('/identity/home.htm')).split(' ')[0]);
    assert.equal(sticky.size, 1, '/identity stays on one node (ip_hash)');
    const line = await get('/oxauth/x');
    assert.match(line, /GET \/oxauth\/x host=lb\.gluu\.test xff=\d+\.\d+\.\d+\.\d+/, 'proxy headers set');
    const redirect = (await shOn(l, 'idp1', 'curl -s -o /dev/null -w "%{http_code} %{redirect_url}" http://lb.gluu.test/oxauth')).trim();
    assert.equal(redirect, '301 https://lb.gluu.test/oxauth');
    await backends.idp1.stop();
    for (let i = 0; i < 6; i++) assert.equal((await get('/oxauth/')).split(' ')[0], 'idp2', 'served by the node that is up');
    assert.equal((await get('/identity/')).split(' ')[0], 'idp2', 'sticky route fails over too');
    await nginx.stop('SIGQUIT');
  });

  it("the nginx step's install keeps the first backup over runs, and a failed nginx -t puts back the file it replaced", async () => {
    const CONF = '/etc/nginx/nginx.conf';
    /** The step's own install command for `text`, after staging it as the step's upload does. */
    const push = async (text: string) => {
      const step = renderStep('nginx', planInput(config, { 'nginx.conf': text }));
      const actions = step.targets[0].actions;
      const upload = actions.find((a) => a.kind === 'upload')!;
      const install = actions.find((a) => a.kind === 'exec' && a.title.startsWith('install it'))!;
      assert.ok(upload.kind === 'upload' && install.kind === 'exec');
      await shOn(l, 'lb', `cat > ${upload.to.path}`, text);
      return lab.runAs(l, 'lb', 'sh', ['-c', install.script.text]);
    };
    const original = `${conf}# the load balancer's own file\n`;
    await shOn(l, 'lb', `cat > ${CONF} && rm -f ${CONF}.gluu-cluster.*`, original);
    const first = `${conf}# first push\n`;
    const second = `${conf}# second push\n`;
    for (const text of [first, second]) {
      const r = await push(text);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(await shOn(l, 'lb', `cat ${CONF}`), text);
    }
    assert.equal(await shOn(l, 'lb', `cat ${CONF}.gluu-cluster.bak`), original, 'the first backup survives the second run');
    const broken = await push(conf.replace('ip_hash;', 'ip_hash'));
    assert.notEqual(broken.code, 0);
    assert.equal(await shOn(l, 'lb', `cat ${CONF}`), second, 'the file this run replaced is back');
    assert.equal(await shOn(l, 'lb', `cat ${CONF}.gluu-cluster.bak`), original);
    // The install reloads nginx, which it started on this host: stop it.
    await shOn(l, 'lb', 'nginx -s quit');
  });
});
