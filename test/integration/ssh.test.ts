/**
 * The SSH layer against real OpenSSH sshd on lab hosts (network namespaces, scripts/lab):
 * key / agent / passphrase / password / keyboard-interactive authentication, host key checks
 * (unknown, accepted, refused, changed, hashed known_hosts), unreachable hosts and timeouts, a
 * jump host to a target only it can reach, ~/.ssh/config aliases, exec (streaming, exit codes,
 * pty, cancel), interactive shells, SFTP, and a connection whose sshd dies mid-command.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cmd,
  sh,
  SshPool,
  type Credentials,
  type SshError,
  type SshPoolOptions,
  type SshTarget,
  type TrustedHostKey,
  type UnknownHostKeyInfo,
} from '../../src/core/ssh';
import { ROOT } from '../unit/paths';
import { lab, shOn, type Lab } from './lab';

interface Sshd {
  host: string;
  address: string;
  port: number;
  hostPublicKey: string;
  fingerprint: string;
  log: string;
  pid: number;
  stop(): Promise<void>;
}
interface SshdModule {
  startSshd(
    l: Lab,
    host: string,
    o: {
      clientPublicKey: string;
      passwordAuth?: boolean;
      kbdInteractive?: boolean;
      port?: number;
      listenAddress?: string;
      newHostKey?: boolean;
    },
  ): Promise<Sshd>;
  setRootPassword(l: Lab, host: string, password: string): Promise<void>;
  killSshdSessions(l: Lab, host: string, listenerPid: number): number[];
}
const sshd: SshdModule = require(path.join(ROOT, 'scripts', 'lab', 'sshd.cjs'));

/** Every character that broke Gluu's own cluster tool, and spaces. */
const PASSWORD = `p@ss! w'rd $HOME "x" \\ ; end`;

class MemoryTrustStore {
  readonly map = new Map<string, TrustedHostKey[]>();
  readonly added: string[] = [];
  async lookup(id: string) {
    return this.map.get(id) ?? [];
  }
  async add(id: string, fingerprint: string, keyType: string) {
    this.added.push(`${id} ${keyType} ${fingerprint}`);
    this.map.set(id, [...(this.map.get(id) ?? []), { fingerprint, keyType }]);
  }
}

const keygen = (...a: string[]) => execFileSync('ssh-keygen', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rejects(p: Promise<unknown>): Promise<SshError> {
  try {
    await p;
  } catch (e) {
    return e as SshError;
  }
  throw new Error('expected a rejection');
}

describe('SSH layer on real OpenSSH sshd', function () {
  this.timeout(60000);
  let l: Lab;
  let tmp: string;
  let key: string; // the client key (authorized everywhere)
  let wrongKey: string;
  let encKey: string; // passphrase-protected, authorized
  let agentKey: string; // only in ssh-agent, authorized
  let authorized: string; // root's authorized_keys on every lab host
  let node: Sshd; // node:22, key + password + keyboard-interactive
  let node2222: Sshd; // node:2222, for the changed host key
  let jump: Sshd; // jump:22
  let target: Sshd; // target: on a link only the jump host shares
  let subnet: string;
  const TARGET_PRIV = (s: string) => `10.78.${s.split('.')[2]}.2`;
  const JUMP_PRIV = (s: string) => `10.78.${s.split('.')[2]}.1`;
  const pools: SshPool[] = [];

  /** A pool isolated from this machine's ~/.ssh, agent and known_hosts. */
  function makePool(o: Partial<SshPoolOptions> & { accept?: boolean } = {}) {
    const store = (o.trustStore as MemoryTrustStore | undefined) ?? new MemoryTrustStore();
    const asked: UnknownHostKeyInfo[] = [];
    const logs: string[] = [];
    const pool = new SshPool({
      sshConfigFile: null,
      knownHostsFiles: [],
      agentSocket: null,
      defaultIdentityFiles: [],
      connectTimeoutMs: 8000,
      confirmUnknownHostKey: async (i) => {
        asked.push(i);
        return o.accept ?? true;
      },
      log: (line) => logs.push(line),
      ...o,
      trustStore: store,
    });
    pools.push(pool);
    return { pool, store, asked, logs };
  }
  const nodeTarget = (extra: Partial<SshTarget> = {}): SshTarget => ({ host: node.address, user: 'root', identityFile: key, ...extra });

  before(async function () {
    const can = lab.canUseNetns();
    if (can !== true) throw new Error(`these tests need network namespaces (run as root): ${can}`);
    l = lab.labUp({
      hosts: [
        { name: 'node', hostname: 'node.gluu.test' },
        { name: 'jump', hostname: 'jump.gluu.test' },
        { name: 'target', hostname: 'target.gluu.test' },
      ],
    });
    subnet = l.hosts.node.address.split('.').slice(0, 3).join('.');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-ssh-it-'));
    key = path.join(tmp, 'id_ed25519');
    wrongKey = path.join(tmp, 'wrong_ed25519');
    encKey = path.join(tmp, 'enc_ed25519');
    agentKey = path.join(tmp, 'agent_ed25519');
    keygen('-q', '-t', 'ed25519', '-N', '', '-f', key);
    keygen('-q', '-t', 'ed25519', '-N', '', '-f', wrongKey);
    keygen('-q', '-t', 'ed25519', '-N', 'secret phrase', '-f', encKey);
    keygen('-q', '-t', 'ed25519', '-N', '', '-f', agentKey);
    authorized = [key, encKey, agentKey].map((k) => fs.readFileSync(`${k}.pub`, 'utf8').trim()).join('\n');

    // A link between jump and target that the test machine has no route into.
    const [nsJ, nsT] = [l.hosts.jump.ns, l.hosts.target.ns];
    execFileSync('ip', ['link', 'add', 'gpriv0', 'netns', nsJ, 'type', 'veth', 'peer', 'name', 'gpriv1', 'netns', nsT]);
    execFileSync('ip', ['-n', nsJ, 'addr', 'add', `${JUMP_PRIV(subnet)}/30`, 'dev', 'gpriv0']);
    execFileSync('ip', ['-n', nsT, 'addr', 'add', `${TARGET_PRIV(subnet)}/30`, 'dev', 'gpriv1']);
    execFileSync('ip', ['-n', nsJ, 'link', 'set', 'gpriv0', 'up']);
    execFileSync('ip', ['-n', nsT, 'link', 'set', 'gpriv1', 'up']);

    await sshd.setRootPassword(l, 'node', PASSWORD);
    [node, node2222, jump, target] = await Promise.all([
      sshd.startSshd(l, 'node', { clientPublicKey: authorized, passwordAuth: true, kbdInteractive: true }),
      sshd.startSshd(l, 'node', { clientPublicKey: authorized, port: 2222 }),
      sshd.startSshd(l, 'jump', { clientPublicKey: authorized }),
      sshd.startSshd(l, 'target', { clientPublicKey: authorized, port: 2222, listenAddress: TARGET_PRIV(subnet) }),
    ]);
    // Accepts TCP and never speaks: an SSH handshake that never comes.
    lab.daemonAs(l, 'node', 'tarpit', process.execPath, ['-e', "require('net').createServer(() => {}).listen(2998, '0.0.0.0')"]);
    await lab.waitPort(l, 'node', 2998);
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.closeAll()));
  });

  after(async () => {
    if (l) await lab.labDown(l);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs commands with key auth: exit codes, stdout and stderr streamed as they come', async () => {
    const { pool } = makePool();
    const c = await pool.get(nodeTarget());
    const r = await c.capture(sh`echo out; echo err >&2; exit 3`);
    assert.deepEqual(r, { code: 3, signal: null, cancelled: false, stdout: 'out\n', stderr: 'err\n' });
    assert.equal((await c.capture(cmd('hostname'))).stdout.trim(), 'node.gluu.test');
    const seen: { at: number; s: string }[] = [];
    const t0 = Date.now();
    const s = await c.exec(sh`for i in 1 2 3; do echo line$i; sleep 0.3; done; echo done >&2`, {
      onStdout: (d) => seen.push({ at: Date.now() - t0, s: `out:${d}` }),
      onStderr: (d) => seen.push({ at: Date.now() - t0, s: `err:${d}` }),
    });
    const end = Date.now() - t0;
    assert.deepEqual(s, { code: 0, signal: null, cancelled: false });
    assert.deepEqual(
      seen.map((x) => x.s),
      ['out:line1\n', 'out:line2\n', 'out:line3\n', 'err:done\n'],
    );
    assert.ok(seen[0].at < end - 500, `first line arrived at ${seen[0].at} ms, the command ended at ${end} ms: streamed, not buffered`);
    const input = await c.capture(cmd('cat'), { stdin: 'fed through stdin\n' });
    assert.equal(input.stdout, 'fed through stdin\n');
  });

  it('pools one connection per target and reuses it', async () => {
    const { pool, asked } = makePool();
    const [a, b] = await Promise.all([pool.get(nodeTarget()), pool.get(nodeTarget())]);
    assert.equal(a, b, 'concurrent gets share one connection');
    assert.equal(asked.length, 1, 'the host key was asked about once');
    const c = await pool.get({ ...nodeTarget() });
    assert.equal(c, a);
    assert.equal(c.client, a.client, 'same ssh2 client');
    const conn1 = (await a.capture(sh`echo $SSH_CONNECTION`)).stdout;
    const conn2 = (await c.capture(sh`echo $SSH_CONNECTION`)).stdout;
    assert.equal(conn1, conn2, 'same TCP connection (same client port) for both commands');
    assert.deepEqual(
      pool.connections().map((x) => x.key),
      [`root@${node.address}:22`],
    );
  });

  it('asks once about a host that two users connect to at the same time', async () => {
    await shOn(
      l,
      'node',
      'id gluuadmin >/dev/null 2>&1 || useradd -m -s /bin/sh gluuadmin; mkdir -p ~gluuadmin/.ssh && cp /root/.ssh/authorized_keys ~gluuadmin/.ssh/ && chown -R gluuadmin ~gluuadmin/.ssh',
    );
    const { pool, asked, store } = makePool();
    const [root, admin] = await Promise.all([pool.get(nodeTarget()), pool.get(nodeTarget({ user: 'gluuadmin' }))]);
    assert.notEqual(root, admin);
    assert.equal((await admin.capture(cmd('id', '-un'))).stdout.trim(), 'gluuadmin');
    assert.equal(asked.length, 1);
    assert.equal(store.added.length, 1);
  });

  it('closes a connection after its idle timeout', async () => {
    const { pool } = makePool({ idleTimeoutMs: 300 });
    const c = await pool.get(nodeTarget());
    await c.exec(sh`sleep 0.5`); // in use: not idle while running
    assert.ok(c.usable, 'not closed while a command ran longer than the idle time');
    await sleep(800);
    assert.ok(!c.usable, 'closed when idle');
    const d = await pool.get(nodeTarget());
    assert.notEqual(d, c);
  });

  it('asks about an unknown host key with the fingerprint ssh-keygen -lf shows; refused = clear error, nothing stored', async () => {
    const { pool, store, asked } = makePool({ accept: false });
    const e = await rejects(pool.get(nodeTarget()));
    assert.equal(e.code, 'HOST_KEY_UNKNOWN');
    assert.match(e.message, /not known and was not accepted/);
    assert.deepEqual(asked, [
      {
        host: node.address,
        port: 22,
        name: node.address,
        hostKeyId: node.address,
        keyType: 'ssh-ed25519',
        fingerprint: node.fingerprint,
        target: `root@${node.address}:22`,
      },
    ]);
    assert.match(node.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.deepEqual(store.added, []);
  });

  it('stores an accepted host key and does not ask again', async () => {
    const first = makePool();
    await (await first.pool.get(nodeTarget())).exec(cmd('true'));
    assert.equal(first.asked.length, 1);
    assert.deepEqual(first.store.added, [`${node.address} ssh-ed25519 ${node.fingerprint}`]);
    const second = makePool({ trustStore: first.store as never, confirmUnknownHostKey: async () => assert.fail('asked again') });
    const r = await (await second.pool.get(nodeTarget())).capture(cmd('hostname'));
    assert.equal(r.stdout.trim(), 'node.gluu.test');
  });

  it('accepts a hashed known_hosts entry (ssh-keygen -H) without asking', async () => {
    const kh = path.join(tmp, 'known_hosts_hashed');
    fs.writeFileSync(kh, `${node.address} ${node.hostPublicKey}\n[${node.address}]:2222 ${node2222.hostPublicKey}\n`);
    keygen('-H', '-f', kh);
    assert.ok(!fs.readFileSync(kh, 'utf8').includes(node.address), 'the file holds hashes only');
    const { pool, store } = makePool({ knownHostsFiles: [kh], confirmUnknownHostKey: async () => assert.fail('asked about a known key') });
    await (await pool.get(nodeTarget())).exec(cmd('true'));
    await (await pool.get(nodeTarget({ port: 2222 }))).exec(cmd('true'));
    assert.deepEqual(store.added, []);
  });

  it('refuses a changed host key without asking, and says how to remove the old one', async () => {
    const first = makePool();
    await (await first.pool.get(nodeTarget({ port: 2222 }))).exec(cmd('true'));
    const kh = path.join(tmp, 'known_hosts_old');
    fs.writeFileSync(kh, `[${node.address}]:2222 ${node2222.hostPublicKey}\n`);
    const old = node2222;
    await old.stop();
    node2222 = await sshd.startSshd(l, 'node', { clientPublicKey: authorized, port: 2222, newHostKey: true });
    assert.notEqual(node2222.fingerprint, old.fingerprint);

    const viaStore = makePool({
      trustStore: first.store as never,
      confirmUnknownHostKey: async () => assert.fail('asked about a changed key'),
    });
    let e = await rejects(viaStore.pool.get(nodeTarget({ port: 2222 })));
    assert.equal(e.code, 'HOST_KEY_CHANGED');
    assert.ok(e.message.includes(node2222.fingerprint) && e.message.includes(old.fingerprint), e.message);
    assert.match(e.message, /Forget Host Key/);
    assert.match(e.message, /man-in-the-middle/);

    const viaKnownHosts = makePool({ knownHostsFiles: [kh], confirmUnknownHostKey: async () => assert.fail('asked about a changed key') });
    e = await rejects(viaKnownHosts.pool.get(nodeTarget({ port: 2222 })));
    assert.equal(e.code, 'HOST_KEY_CHANGED');
    assert.ok(e.message.includes(`ssh-keygen -R "[${node.address}]:2222"`), e.message);
    assert.equal(first.store.added.length, 1, 'nothing new stored');
  });

  it('fails authentication with a wrong key, listing what was tried and what the server accepts', async () => {
    const { pool } = makePool();
    const t0 = Date.now();
    const e = await rejects(pool.get(nodeTarget({ identityFile: wrongKey })));
    assert.equal(e.code, 'AUTH_FAILED');
    assert.ok(Date.now() - t0 < 8000);
    const fp = keygen('-lf', `${wrongKey}.pub`).split(/\s+/)[1];
    assert.ok(e.message.includes(`publickey ${wrongKey} (ssh-ed25519 ${fp})`), e.message);
    assert.match(e.message, /The server accepts: publickey,? ?.*password/);
    assert.deepEqual([...(e.details.serverMethods as string[])].sort(), ['keyboard-interactive', 'password', 'publickey']);
    assert.match(e.message, /authorized_keys/);
  });

  it('logs in with a password full of shell metacharacters, which never shows in ps', async () => {
    const calls: number[] = [];
    const outcomes: boolean[] = [];
    const credentials: Credentials = {
      password: async (req) => {
        calls.push(req.attempt);
        return req.attempt === 1 ? 'wrong password' : PASSWORD;
      },
      secretOutcome: (o) => outcomes.push(o.accepted),
    };
    const { pool } = makePool({ credentials });
    const c = await pool.get({ host: node.address, user: 'root' });
    assert.deepEqual(calls, [1, 2], 'asked again after the wrong one');
    assert.deepEqual(outcomes, [false, true]);
    const running = c.exec(sh`sleep 1.5`);
    await sleep(400);
    const ps = await shOn(l, 'node', 'ps -eo args');
    assert.ok(ps.includes('sleep 1.5'), 'ps sees the session');
    for (const part of [PASSWORD, "w'rd", '"x"', 'p@ss!']) assert.ok(!ps.includes(part), `ps shows ${part}`);
    assert.equal((await running).code, 0);
  });

  it('answers keyboard-interactive prompts, each with its echo flag', async () => {
    const prompts: { prompt: string; echo: boolean }[][] = [];
    const { pool } = makePool({
      credentials: {
        keyboardInteractive: async (req) => {
          prompts.push(req.prompts);
          return req.prompts.map(() => PASSWORD);
        },
      },
    });
    const c = await pool.get({ host: node.address, user: 'root' });
    assert.equal((await c.capture(cmd('id', '-un'))).stdout.trim(), 'root');
    assert.equal(prompts.length, 1);
    assert.match(prompts[0][0].prompt, /password/i);
    assert.equal(prompts[0][0].echo, false);
  });

  it('asks for a key passphrase once per pool', async () => {
    let asked = 0;
    const { pool } = makePool({
      credentials: {
        passphrase: async (req) => {
          asked++;
          assert.equal(req.keyFile, encKey);
          return 'secret phrase';
        },
      },
    });
    await (await pool.get(nodeTarget({ identityFile: encKey }))).exec(cmd('true'));
    await pool.closeAll();
    await (await pool.get(nodeTarget({ identityFile: encKey }))).exec(cmd('true'));
    assert.equal(asked, 1);
  });

  it('authenticates with ssh-agent (SSH_AUTH_SOCK)', async () => {
    const sock = path.join(tmp, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !fs.existsSync(sock); i++) await sleep(50);
      execFileSync('ssh-add', [agentKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const { pool, logs } = makePool({ agentSocket: sock });
      const c = await pool.get({ host: node.address, user: 'root' });
      assert.equal((await c.capture(cmd('true'))).code, 0);
      assert.ok(
        logs.some((x) => /authenticated \(publickey \(ssh-agent\)\)/.test(x)),
        logs.join('\n'),
      );
    } finally {
      agent.kill();
    }
  });

  it('reports a refused port at once and a silent one within the connect timeout', async () => {
    const { pool } = makePool({ connectTimeoutMs: 1500 });
    let t0 = Date.now();
    let e = await rejects(pool.get(nodeTarget({ port: 2999 })));
    assert.equal(e.code, 'UNREACHABLE');
    assert.match(e.message, /refused/);
    assert.ok(Date.now() - t0 < 1000);

    t0 = Date.now();
    e = await rejects(pool.get(nodeTarget({ port: 2998 })));
    let took = Date.now() - t0;
    assert.equal(e.code, 'TIMEOUT');
    assert.match(e.message, /no SSH handshake/);
    assert.ok(took >= 1400 && took < 2500, `timed out after ${took} ms`);

    t0 = Date.now();
    e = await rejects(pool.get({ host: `${subnet}.250`, user: 'root', identityFile: key }));
    took = Date.now() - t0;
    assert.ok(e.code === 'TIMEOUT' || e.code === 'UNREACHABLE', e.code);
    assert.ok(took < 2500, `gave up after ${took} ms`);
  });

  it('reaches a target only its jump host can reach, through forwardOut', async () => {
    // Directly, the target's lab address has nothing on that port: its sshd listens on the private link only.
    const direct = makePool({ connectTimeoutMs: 1500 });
    assert.equal(
      (await rejects(direct.pool.get({ host: l.hosts.target.address, port: 2222, user: 'root', identityFile: key }))).code,
      'UNREACHABLE',
    );

    const { pool, asked } = makePool();
    const t: SshTarget = { host: TARGET_PRIV(subnet), port: 2222, user: 'root', identityFile: key, jumpHost: `root@${jump.address}` };
    const c = await pool.get(t);
    assert.equal(c.key, `root@${TARGET_PRIV(subnet)}:2222 via root@${jump.address}:22`);
    assert.equal((await c.capture(cmd('hostname'))).stdout.trim(), 'target.gluu.test');
    assert.deepEqual(
      asked.map((a) => [a.hostKeyId, a.fingerprint]),
      [
        [jump.address, jump.fingerprint],
        [`[${TARGET_PRIV(subnet)}]:2222`, target.fingerprint],
      ],
    );
    const log = fs.readFileSync(target.log, 'utf8');
    assert.ok(log.includes(`Accepted publickey for root from ${JUMP_PRIV(subnet)}`), 'the target saw the jump host connect');
    assert.equal(pool.connections().length, 2, 'the jump host connection is pooled too');
  });

  it('explains a jump host that fails, and one that cannot reach the target', async () => {
    const { pool } = makePool();
    let e = await rejects(
      pool.get({ host: TARGET_PRIV(subnet), port: 2222, user: 'root', identityFile: key, jumpHost: `root@${jump.address}:2999` }),
    );
    assert.equal(e.code, 'JUMP_FAILED');
    assert.equal(e.details.jumpCode, 'UNREACHABLE');
    e = await rejects(
      pool.get({ host: TARGET_PRIV(subnet), port: 2999, user: 'root', identityFile: key, jumpHost: `root@${jump.address}` }),
    );
    assert.equal(e.code, 'JUMP_FAILED');
    assert.match(e.message, /could not open a connection to .*:2999/);
  });

  it('follows an ~/.ssh/config alias: HostName, User, Port, IdentityFile, ProxyJump', async () => {
    const config = path.join(tmp, 'ssh_config');
    fs.writeFileSync(
      config,
      [
        'Host gluu-target',
        `  HostName ${TARGET_PRIV(subnet)}`,
        '  User root',
        '  Port 2222',
        `  IdentityFile ${key}`,
        '  ProxyJump bastion',
        'Host bastion',
        `  HostName ${jump.address}`,
        '  User root',
        `  IdentityFile ${key}`,
        '',
      ].join('\n'),
    );
    const { pool } = makePool({ sshConfigFile: config });
    const c = await pool.get({ host: 'target.gluu.test', hostAlias: 'gluu-target' });
    assert.equal(c.key, `root@${TARGET_PRIV(subnet)}:2222 via root@${jump.address}:22`);
    assert.equal((await c.capture(cmd('hostname'))).stdout.trim(), 'target.gluu.test');
  });

  it('uploads through a temp file renamed into place, with mode and owner; downloads, hashes and removes', async () => {
    const { pool } = makePool();
    const c = await pool.get(nodeTarget());
    const dir = '/root/gluu upload';
    await c.exec(sh`mkdir -p ${dir} && printf old > ${dir}/owned && chown nobody:nogroup ${dir}/owned`);
    const data = randomBytes(300 * 1024);
    const file = `${dir}/secret.bin`;
    await c.upload(file, data, 0o600);
    assert.equal((await c.capture(sh`stat -c '%a %U' ${file}`)).stdout.trim(), '600 root');
    assert.ok((await c.download(file)).equals(data));
    assert.equal(await c.sha256(file), createHash('sha256').update(data).digest('hex'));

    // Replacing a file: a new inode (renamed into place), the old owner kept, the new mode set.
    const inode = (await c.capture(sh`stat -c %i ${dir}/owned`)).stdout.trim();
    await c.upload(`${dir}/owned`, Buffer.from('new\n'), 0o640);
    assert.equal((await c.capture(sh`stat -c '%a %U %i' ${dir}/owned`)).stdout.trim().replace(/ \d+$/, ''), '640 nobody');
    assert.notEqual((await c.capture(sh`stat -c %i ${dir}/owned`)).stdout.trim(), inode);
    assert.equal((await c.download(`${dir}/owned`)).toString(), 'new\n');

    // A failed upload leaves nothing behind.
    const e = await rejects(c.upload(`${dir}/missing-dir/x`, Buffer.from('x'), 0o644));
    assert.equal(e.code, 'SFTP_FAILED');
    assert.match(e.message, /no such file/);
    assert.deepEqual((await c.capture(sh`ls -A ${dir}`)).stdout.trim().split('\n').sort(), ['owned', 'secret.bin'], 'no temp files left');

    assert.equal(await c.remove(file), true);
    assert.equal(await c.remove(file), false);
    assert.equal((await rejects(c.download(file))).code, 'SFTP_FAILED');
    assert.equal((await rejects(c.sha256(file))).code, 'COMMAND_FAILED');
  });

  it('cancels a long command with an AbortSignal: returns promptly and the remote process is gone', async () => {
    const { pool } = makePool();
    const c = await pool.get(nodeTarget());
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 300);
    const r = await c.exec(cmd('sleep', '29.123'), { signal: ac.signal });
    assert.equal(r.cancelled, true);
    assert.ok(Date.now() - t0 < 2500, `returned after ${Date.now() - t0} ms`);
    let ps = '';
    for (let i = 0; i < 20; i++) {
      ps = await shOn(l, 'node', 'ps -eo args');
      if (!ps.includes('sleep 29.123')) break;
      await sleep(100);
    }
    assert.ok(!ps.includes('sleep 29.123'), 'the remote sleep was killed');
    assert.equal((await c.capture(cmd('echo', 'still usable'))).stdout, 'still usable\n');
    // Aborted before it started: not run at all.
    const r2 = await c.exec(cmd('true'), { signal: AbortSignal.abort() });
    assert.deepEqual(r2, { code: null, signal: null, cancelled: true });
  });

  it('runs a command in a pty (tty succeeds), and an interactive shell that can be resized', async () => {
    const { pool } = makePool();
    const c = await pool.get(nodeTarget());
    const inPty = await c.capture(cmd('tty'), { pty: { rows: 24, cols: 80 } });
    assert.equal(inPty.code, 0);
    assert.match(inPty.stdout, /^\/dev\/pts\/\d+/);
    assert.equal((await c.capture(cmd('tty'))).code, 1, 'no tty without a pty');

    const ch = await c.shell({ rows: 24, cols: 80 });
    let out = '';
    ch.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => ch.on('exit', (code: number | null) => r(code)));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 100 && !re.test(out); i++) await sleep(50);
      assert.match(out, re);
    };
    ch.write('stty size; echo MARK1\n');
    await waitFor(/24 80\s+MARK1/);
    ch.setWindow(30, 100, 0, 0);
    ch.write('stty size; echo MARK2; exit 7\n');
    await waitFor(/30 100\s+MARK2/);
    assert.equal(await exited, 7);
  });

  it('works from an esbuild bundle without the native modules, evaluating ssh2 only on connect', async () => {
    // As scripts/build.mjs bundles the extension: cpu-features and ssh2's sshcrypto.node left out.
    // The bundle lives outside node_modules' reach, so neither can be found: the pure-JS path.
    const outfile = path.join(tmp, 'bundle', 'ssh.js');
    const esbuild = require('esbuild') as typeof import('esbuild');
    esbuild.buildSync({
      entryPoints: [path.join(ROOT, 'src', 'core', 'ssh', 'index.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
      outfile,
      logLevel: 'silent',
    });
    const Module = require('node:module') as { _load(req: string, ...rest: unknown[]): unknown };
    const requested: string[] = [];
    const load = Module._load;
    Module._load = function (req: string, ...rest: unknown[]) {
      requested.push(req);
      return load.call(this, req, ...rest);
    };
    try {
      const bundled = require(outfile) as typeof import('../../src/core/ssh');
      const native = (r: string) => r === 'cpu-features' || r.endsWith('sshcrypto.node');
      assert.deepEqual(requested.filter(native), [], 'loading the bundle does not evaluate ssh2');
      const pool = new bundled.SshPool({
        trustStore: new MemoryTrustStore(),
        confirmUnknownHostKey: async () => true,
        sshConfigFile: null,
        knownHostsFiles: [],
        agentSocket: null,
        defaultIdentityFiles: [],
      });
      pools.push(pool as unknown as SshPool);
      const c = await pool.get(nodeTarget());
      assert.ok(requested.some(native), 'ssh2 was evaluated on connect and looked for its native parts');
      const r = await c.capture(bundled.cmd('echo', 'pure js'));
      assert.equal(r.stdout, 'pure js\n');
      await c.upload('/root/bundled.bin', Buffer.alloc(100 * 1024, 7), 0o600);
      assert.equal((await c.download('/root/bundled.bin')).length, 100 * 1024);
    } finally {
      Module._load = load;
    }
    assert.throws(() => createRequire(outfile)('cpu-features'), 'cpu-features is not reachable from the bundle');
  });

  it('fails a running command when sshd dies, drops the dead connection and reconnects', async () => {
    const { pool } = makePool();
    const c = await pool.get(nodeTarget());
    const running = c.exec(cmd('sleep', '19.5'));
    await sleep(400);
    const killed = sshd.killSshdSessions(l, 'node', node.pid);
    assert.ok(killed.length > 0, 'killed the session sshd processes');
    const t0 = Date.now();
    const e = await rejects(running);
    assert.equal(e.code, 'CONNECTION_LOST');
    assert.ok(Date.now() - t0 < 3000);
    assert.match(e.message, /Run the step again/);
    assert.equal(c.usable, false);
    await assert.rejects(c.exec(cmd('true')), (x: SshError) => x.code === 'CONNECTION_LOST');
    const d = await pool.get(nodeTarget());
    assert.notEqual(d.id, c.id);
    assert.equal((await d.capture(cmd('echo', 'back'))).stdout, 'back\n');
  });
});
