/**
 * ~/.ssh/config resolution through the `ssh-config` package: aliases, precedence of the cluster
 * file's settings, OpenSSH defaults, tokens, Include, jump chains. Where it matters the result is
 * compared with what OpenSSH itself makes of the same file (`ssh -G`).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Deadline } from '../../src/core/ssh/deadline';
import { SshError } from '../../src/core/ssh/errors';
import { parseJumpSpec, readSshConfig, resolveTarget, type ResolveEnv } from '../../src/core/ssh/sshConfig';
import { ROOT } from './paths';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-ssh-cfg-'));
const env: ResolveEnv = { homeDir: home, localUser: 'alice' };
after(() => fs.rmSync(home, { recursive: true, force: true }));

const CONFIG = `
Host idp1
  HostName 10.0.0.11
  User admin
  Port 2222
  IdentityFile ~/.ssh/idp_key
  IdentityFile %d/.ssh/%r@%h
  ProxyJump bastion

Host bastion
  HostName bastion.example.org
  User jump
  IdentitiesOnly yes

Host *.example.org
  User ops
  HostKeyAlias shared-alias

Host legacy
  ProxyCommand nc %h %p

Host loop-a
  ProxyJump loop-b
Host loop-b
  ProxyJump loop-a

Host *
  ConnectTimeout 7
`;

describe('ssh: ~/.ssh/config resolution', () => {
  it('applies an alias: HostName, User, Port, IdentityFile (with tokens) and ProxyJump', () => {
    const r = resolveTarget({ host: 'idp1.example.org', hostAlias: 'idp1' }, CONFIG, env);
    assert.equal(r.hostname, '10.0.0.11');
    assert.equal(r.user, 'admin');
    assert.equal(r.port, 2222);
    assert.deepEqual(r.identityFiles, [path.join(home, '.ssh', 'idp_key'), path.join(home, '.ssh', 'admin@10.0.0.11')]);
    assert.equal(r.defaultIdentities, false);
    assert.equal(r.connectTimeoutMs, 7000);
    assert.ok(r.jump);
    assert.equal(r.jump.hostname, 'bastion.example.org');
    assert.equal(r.jump.user, 'jump', 'first match wins: Host bastion before *.example.org');
    assert.equal(r.jump.identitiesOnly, true);
    assert.equal(r.key, 'admin@10.0.0.11:2222 via jump@bastion.example.org:22');
  });

  it('agrees with `ssh -G` on the same file', function () {
    const file = path.join(home, 'config-G');
    fs.writeFileSync(file, CONFIG);
    let out: string;
    try {
      out = execFileSync('ssh', ['-G', '-F', file, 'idp1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      return this.skip();
    }
    const g = (k: string) =>
      out
        .split('\n')
        .find((l) => l.startsWith(`${k} `))
        ?.slice(k.length + 1);
    const r = resolveTarget({ host: 'x', hostAlias: 'idp1' }, CONFIG, env);
    assert.equal(r.hostname, g('hostname'));
    assert.equal(r.user, g('user'));
    assert.equal(String(r.port), g('port'));
    assert.equal(g('proxyjump'), 'bastion');
  });

  it('lets the cluster file override the config, as ssh command-line options do', () => {
    const r = resolveTarget(
      { host: 'x', hostAlias: 'idp1', user: 'root', port: 22, identityFile: '/keys/gluu', jumpHost: 'none' },
      CONFIG,
      env,
    );
    assert.equal(r.user, 'root');
    assert.equal(r.port, 22);
    assert.equal(r.identityFiles[0], '/keys/gluu', 'explicit key tried first');
    assert.equal(r.jump, undefined, 'jumpHost none turns ProxyJump off');
  });

  it("lets a jump host try the cluster file's key for its target after its own keys", () => {
    const r = resolveTarget({ host: '10.0.0.30', identityFile: '~/keys/gluu', jumpHost: 'bastion' }, CONFIG, env);
    assert.deepEqual(r.identityFiles, [path.join(home, 'keys', 'gluu')]);
    assert.deepEqual(
      r.jump?.identityFiles.map((f) => path.relative(home, f)),
      ['.ssh/id_rsa', '.ssh/id_ecdsa', '.ssh/id_ed25519', '.ssh/id_dsa', 'keys/gluu'],
    );
    assert.equal(r.jump?.defaultIdentities, true);
  });

  it('uses OpenSSH defaults for a host the config does not mention', () => {
    const r = resolveTarget({ host: '10.1.2.3' }, CONFIG, env);
    assert.equal(r.hostname, '10.1.2.3');
    assert.equal(r.user, 'alice');
    assert.equal(r.port, 22);
    assert.equal(r.defaultIdentities, true);
    assert.deepEqual(
      r.identityFiles.map((f) => path.basename(f)),
      ['id_rsa', 'id_ecdsa', 'id_ed25519', 'id_dsa'],
    );
    assert.equal(r.jump, undefined);
    assert.equal(r.connectTimeoutMs, 7000, 'Host * applies');
  });

  it('applies pattern blocks to a plain host name, with HostKeyAlias', () => {
    const r = resolveTarget({ host: 'idp2.example.org' }, CONFIG, env);
    assert.equal(r.user, 'ops');
    assert.equal(r.hostKeyAlias, 'shared-alias');
  });

  it('builds jump chains: "a,b" reaches b through a; user@host:port is honoured', () => {
    const r = resolveTarget({ host: '10.0.0.20', jumpHost: 'u1@first:2201,second' }, '', env);
    assert.equal(r.jump?.hostname, 'second');
    assert.equal(r.jump?.jump?.hostname, 'first');
    assert.equal(r.jump?.jump?.user, 'u1');
    assert.equal(r.jump?.jump?.port, 2201);
    assert.equal(r.key, 'alice@10.0.0.20:22 via alice@second:22 via u1@first:2201');
    assert.deepEqual(parseJumpSpec('[fd00::5]:2222'), { user: undefined, host: 'fd00::5', port: 2222 });
    assert.deepEqual(parseJumpSpec('ssh://root@gw'), { user: 'root', host: 'gw', port: undefined });
    assert.throws(() => parseJumpSpec('@host'), SshError);
  });

  it('stops a ProxyJump loop and refuses ProxyCommand with a clear CONFIG error', () => {
    assert.throws(
      () => resolveTarget({ host: 'loop-a' }, CONFIG, env),
      (e: SshError) => e.code === 'CONFIG' && /loop/.test(e.message),
    );
    assert.throws(
      () => resolveTarget({ host: 'legacy' }, CONFIG, env),
      (e: SshError) => e.code === 'CONFIG' && /ProxyJump/.test(e.message),
    );
  });

  it('inlines Include files (glob, relative to ~/.ssh) and treats a missing config as empty', async () => {
    fs.mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true });
    fs.writeFileSync(path.join(home, '.ssh', 'conf.d', '10-idp.conf'), 'Host included\n  HostName 10.9.9.9\n  Port 2022\n');
    fs.writeFileSync(path.join(home, '.ssh', 'config'), 'Include conf.d/*.conf\nHost *\n  User bob\n');
    const text = await readSshConfig(path.join(home, '.ssh', 'config'), env);
    const r = resolveTarget({ host: 'included' }, text, env);
    assert.equal(r.hostname, '10.9.9.9');
    assert.equal(r.port, 2022);
    assert.equal(r.user, 'bob');
    assert.equal(await readSshConfig(path.join(home, 'nope'), env), '');
  });
});

describe('ssh: connect deadline', () => {
  it('does not count time spent paused (waiting for a person)', async () => {
    let fired = 0;
    const d = new Deadline(300, () => fired++);
    await new Promise((r) => setTimeout(r, 50));
    await d.whilePaused(() => new Promise((r) => setTimeout(r, 400)));
    assert.equal(fired, 0, 'paused time is not counted');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(fired, 1);
    d.clear();
  });
});

describe('ssh: module loading', () => {
  it('loads the SSH layer without evaluating ssh2 (it loads on first connect)', () => {
    const index = path.join(ROOT, 'out', 'src', 'core', 'ssh', 'index.js');
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(index)}); console.log(Object.keys(require.cache).filter(k => /node_modules[\\\\/](ssh2|ssh-config)[\\\\/]/.test(k)).length)`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(out.trim(), '0');
  });

  it('has no vscode import and builds no command strings outside shell.ts', () => {
    const dir = path.join(ROOT, 'src', 'core', 'ssh');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      assert.ok(!/from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(src), `${f} imports vscode`);
      if (f !== 'shell.ts') assert.ok(!/\.exec\(\s*[`'"]/.test(src), `${f} passes a literal command string to exec`);
    }
  });
});
