/**
 * `gluu-cluster run` and `gluu-cluster ldap` against in-process SSH servers on loopback whose
 * host keys are in no known_hosts: what the CLI says about them, and how often it connects.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Server, utils } from 'ssh2';
import { main } from '../../src/cli';
import { cliSshPool } from '../../src/core/run/cli';
import { NO_HOST_KEY_OPTIONS } from '../../src/core/run/cliHostKeys';
import { fingerprintSha256 } from '../../src/core/ssh/knownHosts';

interface FakeHost {
  host: string;
  address: string;
  port: number;
  fingerprint: string;
  /** SSH handshakes this host has seen. */
  connections: number;
  server: Server;
}

/** An sshd stand-in: presents its host key and refuses every login. */
async function fakeSshd(host: string, address: string): Promise<FakeHost> {
  const key = utils.generateKeyPairSync('ed25519');
  const parsed = utils.parseKey(key.public);
  if (parsed instanceof Error) throw parsed;
  const blob = (Array.isArray(parsed) ? parsed[0] : parsed).getPublicSSH();
  const h = { host, address, port: 0, fingerprint: fingerprintSha256(blob), connections: 0 } as FakeHost;
  h.server = new Server({ hostKeys: [key.private] }, (client) => {
    h.connections++;
    client.on('authentication', (ctx) => ctx.reject());
    client.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    h.server.once('error', reject);
    h.server.listen(0, address, () => resolve());
  });
  h.port = (h.server.address() as AddressInfo).port;
  return h;
}

describe('CLI: host keys over SSH', function () {
  let home: string;
  let hosts: FakeHost[];
  let configFile: string;
  const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };

  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-cli-hk-'));
    fs.mkdirSync(path.join(home, '.ssh'));
    hosts = [
      await fakeSshd('lb.example.org', '127.0.0.2'),
      await fakeSshd('idp1.example.org', '127.0.0.3'),
      await fakeSshd('idp2.example.org', '127.0.0.4'),
    ];
    const [lb, idp1, idp2] = hosts;
    const entry = (h: FakeHost, extra = '') => `{ host: ${h.host}, address: ${h.address}, ssh: { port: ${h.port} }${extra} }`;
    configFile = path.join(home, 'gluu-cluster.yaml');
    fs.writeFileSync(
      configFile,
      [
        'name: c',
        'gluu: { version: 3.1.6, container: none }',
        `loadBalancer: ${entry(lb)}`,
        'cache: { host: idp1.example.org }',
        'nodes:',
        `  - ${entry(idp1, ', primary: true')}`,
        `  - ${entry(idp2)}`,
        '',
      ].join('\n'),
    );
    // The pool reads ~/.ssh/known_hosts and ~/.ssh/config of this (empty) home.
    process.env.HOME = home;
    delete process.env.SSH_AUTH_SOCK;
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const h of hosts ?? []) await new Promise((r) => h.server.close(r));
    fs.rmSync(home, { recursive: true, force: true });
  });
  beforeEach(() => {
    for (const h of hosts) h.connections = 0;
  });

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(
      argv,
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  }

  const count = (text: string, needle: string) => text.split(needle).length - 1;
  /** `run --step hosts` on one host, with host key options. */
  const runHostsOn = (host: string, ...options: string[]) =>
    cli('run', '--yes', '--step', 'hosts', '--node', host, '--config', configFile, ...options);

  it('refuses an unknown host key once per host, names the host and its address, and does not connect again', async () => {
    // "hosts" runs on every node and the load balancer: a check first, then the actions, then a verify.
    const r = await cli('run', '--yes', '--step', 'hosts', '--config', configFile);
    assert.equal(r.code, 1);
    for (const h of hosts) {
      const refusal = `refusing the unknown host key of ${h.host} (${h.address}): ssh-ed25519 ${h.fingerprint};`;
      assert.equal(count(r.err, refusal), 1, `one refusal for ${h.host}:\n${r.err}`);
      assert.equal(h.connections, 1, `${h.host} connected to once`);
    }
    // Everything else the run prints about the refusal points back at that one message.
    assert.equal(count(r.out + r.err, 'is not known and was not accepted'), 0, r.out);
    assert.match(
      r.out,
      /failed at "connect" on idp1\.example\.org: the host key of idp1\.example\.org \(127\.0\.0\.3\) was refused \(see above\)/,
    );
  });

  it('does not connect again to a host whose key it refused, and says so once', async () => {
    const [, idp1] = hosts;
    let err = '';
    const pool = cliSshPool(NO_HOST_KEY_OPTIONS, (s) => (err += s));
    const target = { host: idp1.address, port: idp1.port, label: idp1.host };
    try {
      const first = await pool.get(target).then(
        () => assert.fail('connected'),
        (e: Error) => e.message,
      );
      const second = await pool.get(target).then(
        () => assert.fail('connected'),
        (e: Error) => e.message,
      );
      assert.equal(second, first);
      assert.equal(first, `the host key of ${idp1.host} (${idp1.address}) was refused (see above)`);
    } finally {
      await pool.closeAll();
    }
    assert.equal(idp1.connections, 1);
    assert.equal(count(err, 'refusing the unknown host key'), 1, err);
  });

  it('says which host (name and address) it trusts with --trust-new-host-keys', async () => {
    const r = await runHostsOn('idp2.example.org', '--trust-new-host-keys');
    assert.equal(r.code, 1); // the stand-in refuses every login
    const [, , idp2] = hosts;
    assert.equal(
      count(r.err, `trusting the new host key of idp2.example.org (127.0.0.4) for this run: ssh-ed25519 ${idp2.fingerprint}`),
      1,
      r.err,
    );
  });

  it('accepts a key a --host-key pin names (for any host, or HOST= for that host only), and says so once', async () => {
    const [, , idp2] = hosts;
    const other = hosts[1].fingerprint;
    const r = await runHostsOn(idp2.host, '--host-key', other, '--host-key', idp2.fingerprint);
    assert.equal(
      count(r.err, `accepting the host key of idp2.example.org (127.0.0.4): ssh-ed25519 ${idp2.fingerprint}, as --host-key says`),
      1,
      r.err,
    );
    for (const pin of [`idp1.example.org=${idp2.fingerprint}`, `127.0.0.3=${idp2.fingerprint}`]) {
      const refused = await runHostsOn(idp2.host, '--host-key', pin);
      assert.match(refused.err, /refusing the unknown host key of idp2\.example\.org .*; no --host-key given is for it;/, pin);
    }
    const forIt = await runHostsOn(idp2.host, '--host-key', `IDP2.example.org=${idp2.fingerprint}`);
    assert.match(forIt.err, /accepting the host key of idp2\.example\.org/);
  });

  it('refuses --host-key values that are not [HOST=]SHA256:… and --record-host-keys without --known-hosts, before connecting', async () => {
    for (const bad of ['SHA256:short', 'MD5:aa:bb', `${hosts[0].fingerprint}=`, '']) {
      const r = await cli('run', '--config', configFile, '--host-key', bad);
      assert.equal(r.code, 2, bad);
      assert.match(r.err, /--host-key ".*" is not \[HOST=\]SHA256:…/);
    }
    const r = await cli('ldap', 'get', '--config', configFile, '--record-host-keys', '--trust-new-host-keys');
    assert.equal(r.code, 2);
    assert.match(r.err, /--record-host-keys needs --known-hosts FILE/);
    assert.ok(hosts.every((h) => h.connections === 0));
  });

  it('ldap: a refused host key is reported as such, once, not as an unreachable LDAP server', async () => {
    const r = await cli('ldap', 'get', '--config', configFile);
    assert.equal(r.code, 1);
    const [, idp1] = hosts;
    assert.equal(count(r.err, `refusing the unknown host key of idp1.example.org (127.0.0.3)`), 1, r.err);
    assert.doesNotMatch(r.err, /Nothing answers on the LDAPS port/);
    assert.equal(idp1.connections, 1);
  });
});
