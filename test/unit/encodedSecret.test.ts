/**
 * A secret Gluu keeps encoded in LDAP (the Redis password in the cache configuration): encoded on
 * the node with its salt, the plain value sent only on the encoder's stdin, the result masked
 * like the password itself, and nothing written when the encoding fails. The real encoding on
 * the sandbox is in test/integration/ldap.test.ts.
 */
import * as assert from 'node:assert/strict';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import { encodeFromStdin, parseEncoded } from '../../src/core/gluu/encode';
import type { LdapAction } from '../../src/core/plan/actions';
import { planInput, renderStep } from '../../src/core/plan/plan';
import { formatStep } from '../../src/core/plan/preview';
import type { Connector } from '../../src/core/run/remote';
import { runStep } from '../../src/core/run/runner';
import { Masker } from '../../src/core/run/secrets';
import { neededSecrets } from '../../src/core/session/session';

const config = parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
const REDIS = 'r3d!s pw';
const ENCODED = 'dCXogHFxSXHFzoapbB2fhw==';

function run(encoder: { code: number; out?: string; err?: string }) {
  const execs: { host: string; text: string; stdin?: string }[] = [];
  const written: LdapAction[] = [];
  const lines: string[] = [];
  const connector: Connector = {
    host: async (host) => ({
      exec: async (command, opts) => {
        execs.push({ host, text: command.text, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) });
        if (encoder.out) opts.onStdout?.(encoder.out);
        if (encoder.err) opts.onStderr?.(encoder.err);
        return { code: encoder.code };
      },
      upload: async () => undefined,
      download: async () => Buffer.alloc(0),
      remove: async () => undefined,
    }),
  };
  const masker = new Masker();
  masker.add(REDIS);
  const plan = renderStep('ldap-cache', planInput(config));
  const outcome = runStep(plan, {
    config,
    connector,
    secrets: { get: async (n) => (n === 'redis' ? REDIS : 'dm') },
    mask: (t) => masker.mask(t),
    addSecret: (v) => masker.add(v),
    listener: { output: (_h, _k, t) => void lines.push(t) },
    ldap: async (a) => {
      written.push(a);
      return [`wrote ${JSON.stringify(a.change)}`];
    },
  });
  return { outcome, execs, written, lines };
}

describe('a secret encoded with Gluu salt for LDAP', () => {
  it('the ldap-cache step encodes the Redis password on the primary, in its container, from stdin only', async () => {
    const r = run({ code: 0, out: `${ENCODED}\n` });
    const outcome = await r.outcome;
    assert.equal(outcome.status, 'done', JSON.stringify(outcome.sequences));
    assert.equal(r.execs.length, 1);
    const [e] = r.execs;
    assert.equal(e.host, config.nodes.find((n) => n.primary)!.host);
    assert.equal(e.stdin, REDIS);
    assert.ok(!e.text.includes(REDIS), 'the password is not in the command');
    assert.ok(e.text.startsWith('chroot /opt/gluu-server-'), 'it runs inside the Gluu container, where encode.py and the salt are');
    assert.ok(e.text.includes('/opt/gluu/bin/encode.py') && e.text.includes('/etc/gluu/conf/salt'));
    assert.equal(r.written.length, 1);
    assert.deepEqual(r.written[0].change, {
      cacheProviderType: 'REDIS',
      redisConfiguration: { redisProviderType: 'STANDALONE', servers: `${config.cache!.host}:${config.cache!.port}`, password: ENCODED },
    });
    // The encoded form decodes with the salt: it is masked like the password.
    const shown = r.lines.join('\n');
    assert.ok(!shown.includes(ENCODED), shown);
    assert.match(shown, /"password":••••/);
  });

  it('writes nothing when the node cannot encode (no Gluu there), and says why', async () => {
    const r = run({
      code: 3,
      err: '/opt/gluu/bin/encode.py or /etc/gluu/conf/salt is missing: is Gluu installed on this node? Nothing was changed.\n',
    });
    const outcome = await r.outcome;
    assert.equal(outcome.status, 'failed');
    assert.equal(r.written.length, 0);
    const failure = outcome.sequences.find((s) => s.failure)!.failure!;
    assert.match(
      failure.message,
      /encoding the redis secret with Gluu's salt on idp1\.example\.org failed: exited with 3: .*is Gluu installed/,
    );
  });

  it('writes nothing when the encoder prints something that is not an encoded value', async () => {
    for (const out of ['', 'Traceback (most recent call last):\n', 'abc\n', 'AAAA\n']) {
      const r = run({ code: 0, out });
      assert.equal((await r.outcome).status, 'failed', out);
      assert.equal(r.written.length, 0, out);
    }
  });

  it('parses only base64 of whole DES blocks', () => {
    assert.deepEqual(parseEncoded(`${ENCODED}\n`), { value: ENCODED });
    assert.deepEqual(parseEncoded('AAAAAAAAAAA=\n'), { value: 'AAAAAAAAAAA=' });
    assert.match((parseEncoded('AAAA') as { error: string }).error, /3 bytes, not whole 8-byte DES blocks/);
    assert.match((parseEncoded('') as { error: string }).error, /did not print one base64 value/);
    assert.match((parseEncoded('a b') as { error: string }).error, /did not print one base64 value/);
    assert.match((parseEncoded('two\nlines') as { error: string }).error, /did not print one base64 value/);
  });

  it('the script reads the password from stdin and takes no value from outside', () => {
    const text = encodeFromStdin().text;
    assert.match(text, /getattr\(sys\.stdin, "buffer", sys\.stdin\)\.read\(\)/);
    assert.match(text, /triple_des\(key, ECB, pad=None, padmode=PAD_PKCS5\)/);
    // The interpreter is encode.py's own (its #! line), so pyDes is found as encode.py finds it.
    assert.match(text, /py=\$\(sed -n '1s\/\^#!\[\[:space:\]\]\*\/\/p' \/opt\/gluu\/bin\/encode\.py\)/);
  });

  it('the plan asks for the Redis password and shows the field masked, with how it is encoded', () => {
    const plan = renderStep('ldap-cache', planInput(config));
    assert.deepEqual(neededSecrets(plan), ['ldapAdmin', 'redis']);
    const text = formatStep(config, plan);
    assert.match(text, /#  +"password": "••••"\n/);
    assert.match(
      text,
      /# redisConfiguration\.password: the Redis password for the cache host \(••••\), encoded on idp1\.example\.org with its Gluu salt the way \/opt\/gluu\/bin\/encode\.py does/,
    );
  });
});
