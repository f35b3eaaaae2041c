/**
 * known_hosts parsing and matching, checked against OpenSSH's own tools where it matters:
 * `ssh-keygen -H` writes the hashed entries, `ssh-keygen -lf` the fingerprints, `ssh-keygen -F`
 * says which lines match a host.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import { sshTargetOf } from '../../src/core/run/sshConnector';
import { alsoKnownAs, checkHostKey, type HostKeyDeps } from '../../src/core/ssh/hostKeys';
import { defaultEnv, resolveTarget } from '../../src/core/ssh/sshConfig';
import {
  entryHasKey,
  fingerprintSha256,
  hashHostName,
  hostKeyId,
  hostsFieldMatches,
  keyTypeOfBlob,
  lookupHost,
  parseKnownHosts,
} from '../../src/core/ssh/knownHosts';
import type { TrustedHostKey, UnknownHostKeyInfo } from '../../src/core/ssh/types';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-ssh-kh-'));
const keygen = (...args: string[]) => execFileSync('ssh-keygen', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A fresh key pair made by ssh-keygen: [type, base64 blob, blob, path of .pub]. */
function newKey(type: 'ed25519' | 'rsa' | 'ecdsa', name: string): { type: string; b64: string; blob: Buffer; pub: string } {
  const f = path.join(tmp, name);
  keygen('-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', name, '-f', f);
  const [t, b64] = fs.readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/);
  return { type: t, b64, blob: Buffer.from(b64, 'base64'), pub: `${f}.pub` };
}

const ed = newKey('ed25519', 'ed');
const ed2 = newKey('ed25519', 'ed2');
const rsa = newKey('rsa', 'rsa');
const ecdsa = newKey('ecdsa', 'ecdsa');

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

class MemoryStore {
  map = new Map<string, TrustedHostKey[]>();
  added: [string, string, string][] = [];
  async lookup(id: string) {
    return this.map.get(id) ?? [];
  }
  async add(id: string, fingerprint: string, keyType: string) {
    this.added.push([id, fingerprint, keyType]);
    this.map.set(id, [...(this.map.get(id) ?? []), { fingerprint, keyType }]);
  }
}

describe('ssh: known_hosts', () => {
  it('fingerprints equal `ssh-keygen -lf` for ed25519, rsa and ecdsa keys', () => {
    for (const k of [ed, rsa, ecdsa]) {
      const out = keygen('-lf', k.pub).split(/\s+/)[1];
      assert.match(out, /^SHA256:[A-Za-z0-9+/]{43}$/);
      assert.equal(fingerprintSha256(k.blob), out, k.type);
      assert.equal(keyTypeOfBlob(k.blob), k.type);
    }
  });

  it('names hosts as known_hosts does: host on port 22, [host]:port elsewhere', () => {
    assert.equal(hostKeyId('idp1.example.org', 22), 'idp1.example.org');
    assert.equal(hostKeyId('10.0.0.5', 2222), '[10.0.0.5]:2222');
  });

  it('parses plain, multi-name, marker and comment lines, skipping malformed ones', () => {
    const text = [
      '# a comment',
      '',
      `idp1.example.org,10.0.0.11 ${ed.type} ${ed.b64} root@idp1`,
      `[10.0.0.12]:2222 ${rsa.type} ${rsa.b64}`,
      `@revoked * ${ed2.type} ${ed2.b64}`,
      `@cert-authority *.example.org ${ecdsa.type} ${ecdsa.b64}`,
      `@bogus-marker host ${ed.type} ${ed.b64}`,
      'only-two fields',
      `badkey ssh-ed25519 not*base64`,
    ].join('\n');
    const e = parseKnownHosts(text, 'kh');
    assert.deepEqual(
      e.map((x) => [x.line, x.marker, x.hosts, x.keyType]),
      [
        [3, undefined, 'idp1.example.org,10.0.0.11', 'ssh-ed25519'],
        [4, undefined, '[10.0.0.12]:2222', 'ssh-rsa'],
        [5, 'revoked', '*', 'ssh-ed25519'],
        [6, 'cert-authority', '*.example.org', 'ecdsa-sha2-nistp256'],
      ],
    );
  });

  it('matches [host]:port only on that port, and a bare host only on 22', () => {
    assert.ok(hostsFieldMatches('[10.0.0.12]:2222', '10.0.0.12', 2222));
    assert.ok(!hostsFieldMatches('[10.0.0.12]:2222', '10.0.0.12', 22));
    assert.ok(!hostsFieldMatches('10.0.0.12', '10.0.0.12', 2222));
    assert.ok(hostsFieldMatches('10.0.0.12', '10.0.0.12', 22));
    assert.ok(hostsFieldMatches('IDP1.Example.org', 'idp1.example.ORG', 22), 'case-insensitive');
  });

  it('honours wildcards and negation like ssh (a negated match rules the line out)', () => {
    const f = '*.example.org,!bad.example.org';
    assert.ok(hostsFieldMatches(f, 'idp1.example.org', 22));
    assert.ok(!hostsFieldMatches(f, 'bad.example.org', 22));
    assert.ok(!hostsFieldMatches(f, 'example.com', 22));
    assert.ok(hostsFieldMatches('idp?.example.org', 'idp2.example.org', 22));
    assert.ok(hostsFieldMatches('[10.0.0.*]:2222', '10.0.0.7', 2222));
  });

  it('matches hashed entries written by `ssh-keygen -H`, for port 22 and [host]:port', () => {
    const file = path.join(tmp, 'hashed');
    fs.writeFileSync(file, `idp1.example.org ${ed.type} ${ed.b64}\n[10.0.0.12]:2222 ${rsa.type} ${rsa.b64}\n`);
    keygen('-H', '-f', file);
    const e = parseKnownHosts(fs.readFileSync(file, 'utf8'));
    assert.equal(e.length, 2);
    assert.ok(
      e.every((x) => x.hosts.startsWith('|1|')),
      'ssh-keygen hashed both',
    );
    assert.deepEqual(
      lookupHost(e, 'idp1.example.org', 22).known.map((x) => x.keyType),
      ['ssh-ed25519'],
    );
    assert.deepEqual(
      lookupHost(e, '10.0.0.12', 2222).known.map((x) => x.keyType),
      ['ssh-rsa'],
    );
    assert.equal(lookupHost(e, '10.0.0.12', 22).known.length, 0);
    assert.equal(lookupHost(e, 'idp2.example.org', 22).known.length, 0);
    // and ours is what ssh-keygen -F finds
    const ours = path.join(tmp, 'ours');
    fs.writeFileSync(ours, `${hashHostName('10.9.8.7', 2200)} ${ed.type} ${ed.b64}\n`);
    assert.match(keygen('-F', '[10.9.8.7]:2200', '-f', ours), /Host \[10\.9\.8\.7\]:2200 found: line 1/);
  });

  it('returns every key of a host with several, puts @revoked aside and ignores @cert-authority', () => {
    const e = parseKnownHosts(
      [
        `idp1 ${ed.type} ${ed.b64}`,
        `other ${ed2.type} ${ed2.b64}`,
        `idp1,idp1.example.org ${rsa.type} ${rsa.b64}`,
        `@cert-authority idp1 ${ecdsa.type} ${ecdsa.b64}`,
        `@revoked idp* ${ed2.type} ${ed2.b64}`,
      ].join('\n'),
    );
    const r = lookupHost(e, 'idp1', 22);
    assert.deepEqual(
      r.known.map((x) => x.keyType),
      ['ssh-ed25519', 'ssh-rsa'],
    );
    assert.deepEqual(
      r.revoked.map((x) => x.line),
      [5],
    );
    assert.ok(entryHasKey(r.known[0], ed.blob));
    assert.ok(!entryHasKey(r.known[0], ed2.blob));
  });
});

describe('ssh: host key policy', () => {
  const kh = path.join(tmp, 'policy_known_hosts');
  let asked: UnknownHostKeyInfo[] = [];
  let answer = false;
  let store: MemoryStore;
  const deps = (): HostKeyDeps => ({
    knownHostsFiles: [kh, path.join(tmp, 'missing')],
    trustStore: store,
    confirmUnknownHostKey: async (i) => {
      asked.push(i);
      return answer;
    },
    defaultKnownHosts: kh,
  });
  beforeEach(() => {
    asked = [];
    answer = false;
    store = new MemoryStore();
    fs.writeFileSync(kh, `[10.0.0.12]:2222 ${ed.type} ${ed.b64}\n@revoked * ${rsa.type} ${rsa.b64}\n`);
  });

  it('accepts a key from known_hosts without asking', async () => {
    const v = await checkHostKey(ed.blob, '10.0.0.12', 2222, 't', deps());
    assert.equal(v.ok && v.how, 'known_hosts');
    assert.equal(asked.length, 0);
  });

  it('refuses a changed key without asking, saying how to remove the old one', async () => {
    const v = await checkHostKey(ed2.blob, '10.0.0.12', 2222, 't', deps());
    assert.ok(!v.ok);
    assert.equal(v.error.code, 'HOST_KEY_CHANGED');
    assert.match(v.error.message, /ssh-keygen -R "\[10\.0\.0\.12\]:2222"/);
    assert.match(v.error.message, new RegExp(fingerprintSha256(ed2.blob).replace(/[+/]/g, '\\$&')));
    assert.match(v.error.message, new RegExp(fingerprintSha256(ed.blob).replace(/[+/]/g, '\\$&')));
    assert.equal(asked.length, 0);
    assert.equal(store.added.length, 0);
  });

  it('refuses a key of another type when the host is on record with a different one', async () => {
    store.map.set('10.0.0.13', [{ fingerprint: fingerprintSha256(ed.blob), keyType: ed.type }]);
    const v = await checkHostKey(ecdsa.blob, '10.0.0.13', 22, 't', deps());
    assert.ok(!v.ok && v.error.code === 'HOST_KEY_CHANGED');
    assert.match(v.error.message, /Forget Host Key/);
    assert.equal(asked.length, 0);
  });

  it('refuses a revoked key', async () => {
    const v = await checkHostKey(rsa.blob, 'anything', 22, 't', deps());
    assert.ok(!v.ok && v.error.code === 'HOST_KEY_REVOKED');
    assert.equal(asked.length, 0);
  });

  it('asks about an unknown key with its SHA256 fingerprint; no = refused, yes = accepted', async () => {
    let v = await checkHostKey(ed2.blob, '10.0.0.14', 2200, 'root@10.0.0.14:2200', deps());
    assert.ok(!v.ok && v.error.code === 'HOST_KEY_UNKNOWN');
    assert.deepEqual(asked, [
      {
        host: '10.0.0.14',
        port: 2200,
        name: '10.0.0.14',
        hostKeyId: '[10.0.0.14]:2200',
        keyType: 'ssh-ed25519',
        fingerprint: fingerprintSha256(ed2.blob),
        target: 'root@10.0.0.14:2200',
      },
    ]);
    answer = true;
    v = await checkHostKey(ed2.blob, '10.0.0.14', 2200, 't', deps());
    assert.equal(v.ok && v.how, 'confirmed');
    // storing is the connection's job, after the key proved itself in the handshake
    assert.equal(store.added.length, 0);
  });

  it('names the host as the cluster file does beside the address it connects to, in the question and the refusal', async () => {
    const v = await checkHostKey(ed2.blob, '10.0.0.5', 22, 'root@10.0.0.5:22', deps(), 'idp1.example.org');
    assert.equal(asked[0].name, 'idp1.example.org (10.0.0.5)');
    assert.ok(!v.ok);
    assert.match(
      v.error.message,
      /^The host key of idp1\.example\.org \(10\.0\.0\.5\), ssh-ed25519 SHA256:\S+, is not known and was not accepted/,
    );
    // The target as the SSH layer gets it from the cluster file carries the name to the question.
    const config = parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
    const target = sshTargetOf(config, 'idp1.example.org');
    assert.deepEqual([target.host, target.label], ['159.203.126.10', 'idp1.example.org']);
    assert.equal(resolveTarget(target, '', defaultEnv(tmp)).label, 'idp1.example.org');
    // Without another name, the address alone.
    await checkHostKey(ed2.blob, '10.0.0.6', 22, 't', deps());
    assert.equal(asked[1].name, '10.0.0.6');
  });

  describe('the host name and its address, both looked up (as OpenSSH with CheckHostIP)', () => {
    // idp1.example.org is the cluster file's name for the host (the label), 10.0.0.5 its address.
    const A = ed;
    const B = ed2;
    const fp = (k: { blob: Buffer }) => fingerprintSha256(k.blob).replace(/[+/]/g, '\\$&');

    it('refuses as CHANGED a key on record for the address when the name has another (known_hosts and trust store)', async () => {
      fs.writeFileSync(kh, `idp1.example.org ${A.type} ${A.b64}\n`);
      store.map.set('10.0.0.5', [{ fingerprint: fingerprintSha256(B.blob), keyType: B.type }]);
      for (const k of [B, A]) {
        const v = await checkHostKey(k.blob, '10.0.0.5', 22, 'root@10.0.0.5:22', deps(), 'idp1.example.org');
        assert.ok(!v.ok, `${k.type} accepted`);
        assert.equal(v.error.code, 'HOST_KEY_CHANGED');
        assert.match(v.error.message, /^WARNING: the host key of idp1\.example\.org \(10\.0\.0\.5\) has CHANGED/);
      }
      const v = await checkHostKey(B.blob, '10.0.0.5', 22, 't', deps(), 'idp1.example.org');
      assert.ok(!v.ok);
      // What is on record for which name, and how to remove each.
      assert.match(v.error.message, new RegExp(`line 1 has ssh-ed25519 ${fp(A)} for idp1\\.example\\.org`));
      assert.match(v.error.message, /connect again: ssh-keygen -R "idp1\.example\.org"\.$/);
      assert.match(v.error.message, /is on record for 10\.0\.0\.5, so the host's name and its address have different keys on record/);
      assert.equal(asked.length, 0);
      assert.equal(store.added.length, 0);
    });

    it('refuses as CHANGED when known_hosts has the name with one key and the address with another', async () => {
      fs.writeFileSync(kh, `idp1.example.org ${A.type} ${A.b64}\n10.0.0.5 ${B.type} ${B.b64}\n`);
      for (const k of [A, B]) {
        const v = await checkHostKey(k.blob, '10.0.0.5', 22, 't', deps(), 'idp1.example.org');
        assert.ok(!v.ok && v.error.code === 'HOST_KEY_CHANGED', `${fingerprintSha256(k.blob)} accepted`);
      }
      assert.equal(asked.length, 0);
    });

    it('accepts a key known for the name only (hashed, [host]:port), and refuses another key for it as CHANGED', async () => {
      fs.writeFileSync(kh, `${hashHostName('idp1.example.org', 2222)} ${A.type} ${A.b64}\n`);
      const ok = await checkHostKey(A.blob, '10.0.0.5', 2222, 't', deps(), 'idp1.example.org');
      assert.equal(ok.ok && ok.how, 'known_hosts');
      const changed = await checkHostKey(B.blob, '10.0.0.5', 2222, 't', deps(), 'idp1.example.org');
      assert.ok(!changed.ok && changed.error.code === 'HOST_KEY_CHANGED');
      assert.match(changed.error.message, /ssh-keygen -R "\[idp1\.example\.org\]:2222"/);
      assert.equal(asked.length, 0);
    });

    it('accepts a key on record for both with the same key, and for the address alone', async () => {
      fs.writeFileSync(kh, `idp1.example.org,10.0.0.5 ${A.type} ${A.b64}\n10.0.0.6 ${B.type} ${B.b64}\n`);
      const both = await checkHostKey(A.blob, '10.0.0.5', 22, 't', deps(), 'idp1.example.org');
      assert.equal(both.ok && both.how, 'known_hosts');
      const address = await checkHostKey(B.blob, '10.0.0.6', 22, 't', deps(), 'idp2.example.org');
      assert.equal(address.ok && address.how, 'known_hosts');
      assert.equal(asked.length, 0);
    });

    it('under a HostKeyAlias, looks up the alias and the address connected to (not the cluster name alone)', async () => {
      const r = resolveTarget(
        { host: 'idp1', label: 'idp1.example.org' },
        'Host idp1\n  HostName 10.0.0.5\n  HostKeyAlias idp1-alias\n',
        defaultEnv(tmp),
      );
      assert.deepEqual(alsoKnownAs(r), ['10.0.0.5']);
      assert.deepEqual(alsoKnownAs(resolveTarget({ host: '10.0.0.5', label: 'idp1.example.org' }, '', defaultEnv(tmp))), []);
      fs.writeFileSync(kh, `idp1-alias ${A.type} ${A.b64}\n10.0.0.5 ${B.type} ${B.b64}\n`);
      const v = await checkHostKey(A.blob, 'idp1-alias', 22, 't', deps(), 'idp1.example.org', alsoKnownAs(r));
      assert.ok(!v.ok && v.error.code === 'HOST_KEY_CHANGED');
      assert.match(v.error.message, /for 10\.0\.0\.5/);
    });

    it('refuses a key marked @revoked for the name', async () => {
      fs.writeFileSync(kh, `@revoked idp1.example.org ${B.type} ${B.b64}\n`);
      const v = await checkHostKey(B.blob, '10.0.0.5', 22, 't', deps(), 'idp1.example.org');
      assert.ok(!v.ok && v.error.code === 'HOST_KEY_REVOKED');
    });
  });

  it('accepts a key the trust store vouches for without asking', async () => {
    store.map.set('[10.0.0.15]:22', []);
    store.map.set('10.0.0.15', [{ fingerprint: fingerprintSha256(ed2.blob), keyType: ed2.type }]);
    const v = await checkHostKey(ed2.blob, '10.0.0.15', 22, 't', deps());
    assert.equal(v.ok && v.how, 'trust-store');
    assert.equal(asked.length, 0);
  });
});
