/** The LDAP editor's pure model: JSON positions, the two attributes' checks and encodings, edits. */
import * as assert from 'node:assert/strict';
import { cacheProblems, serverProblem, splitServers } from '../../src/core/ldap/cacheConfig';
import { diffTexts, planEdits, resolveEdits, reverseChanges } from '../../src/core/ldap/edits';
import { decodeIdp, encodeIdp, idpProblems } from '../../src/core/ldap/idpAuth';
import { parseJson, parseJsonObject } from '../../src/core/ldap/json';
import { mergePatch } from '../../src/core/ldap/mergePatch';
import type { EditorSnapshot } from '../../src/core/ldap/protocol';

const V31 = JSON.stringify({
  type: 'auth',
  name: null,
  priority: 1,
  config: JSON.stringify({
    configId: 'auth_ldap_server',
    servers: ['localhost:1636'],
    maxConnections: 1000,
    bindDN: 'cn=directory manager,o=gluu',
    bindPassword: 'enc==',
    useSSL: 'true',
    baseDNs: ['o=gluu'],
    enabled: false,
    extra: 'keep',
  }),
});
const V4 = JSON.stringify({
  type: 'auth',
  config: { configId: 'auth_ldap_server', servers: ['localhost:1636'], useSSL: true, bindPassword: 'enc==' },
});
const CACHE =
  '{"cacheProviderType": "IN_MEMORY", "redisConfiguration": {"servers": "localhost:6379", "defaultPutExpiration": 60}, "futureField": {"x": 1}}';

function snapshot(over: Partial<EditorSnapshot> = {}): EditorSnapshot {
  return {
    cluster: 'c',
    node: 'idp1.example.org',
    nodes: ['idp1.example.org', 'idp2.example.org'],
    via: 'test',
    entryDN: 'inum=x,ou=appliances,o=gluu',
    cacheAttribute: 'oxCacheConfiguration',
    cache: { raw: CACHE, decoded: JSON.parse(CACHE) },
    idp: [decodeIdp(V31)],
    ldapsPort: 1636,
    loadedAt: '2026-11-25T00:00:00Z',
    canRestore: false,
    ...over,
  };
}

describe('LDAP JSON values', () => {
  it('reports the first JSON error with line and column, and refuses comments and trailing commas', () => {
    assert.deepEqual(parseJson('{"a": 1}').value, { a: 1 });
    const p = parseJson('{\n  "a": 1,\n  "b": }').problem!;
    assert.equal(p.line, 3);
    assert.equal(p.column, 8);
    assert.match(p.message, /a value was expected \(line 3, column 8\)/);
    assert.ok(parseJson('{"a": 1,}').problem);
    assert.match(parseJson('{"a": 1} // x').problem!.message, /comments are not allowed/);
    assert.match(parseJsonObject('[1]').problem!.message, /object/);
    assert.match(parseJson('  ').problem!.message, /empty/);
  });

  it('checks host:port servers', () => {
    for (const ok of ['idp1.example.org:6379', '10.0.0.1:1636', '[::1]:6379', 'localhost:1'])
      assert.equal(serverProblem(ok), undefined, ok);
    assert.match(serverProblem('idp1')!, /not host:port/);
    assert.match(serverProblem('idp1:70000')!, /between 1 and 65535/);
    assert.match(serverProblem('300.1.1.1:80')!, /not a host name or IPv4/);
    assert.match(serverProblem('bad_host:80')!, /not a host name/);
    assert.deepEqual(splitServers('a:1, b:2  c:3'), ['a:1', 'b:2', 'c:3']);
  });

  it('warns that STANDALONE with several Redis servers never fails over, and catches bad settings', () => {
    const w = cacheProblems({ cacheProviderType: 'REDIS', redisConfiguration: { servers: 'a:1,b:2' } });
    assert.equal(w.length, 1);
    assert.equal(w[0].severity, 'warning');
    assert.match(w[0].message, /STANDALONE with 2 servers: Gluu uses one of them, chosen arbitrarily, and never fails over/);
    assert.deepEqual(
      cacheProblems({ cacheProviderType: 'REDIS', redisConfiguration: { redisProviderType: 'CLUSTER', servers: 'a:1,b:2' } }),
      [],
    );
    const e = cacheProblems({ cacheProviderType: 'REDISS', redisConfiguration: { servers: 'a', defaultPutExpiration: -1 } }).map(
      (p) => p.message,
    );
    assert.ok(e.some((m) => /cacheProviderType must be one of IN_MEMORY, MEMCACHED, REDIS, NATIVE_PERSISTENCE/.test(m)));
    assert.ok(e.some((m) => /"a" is not host:port/.test(m)));
    assert.ok(e.some((m) => /defaultPutExpiration/.test(m)));
    assert.match(cacheProblems({ cacheProviderType: 'REDIS' })[0].message, /REDIS needs a redisConfiguration/);
  });

  it('decodes 3.1.x oxIDPAuthentication (config a JSON string) and encodes it back the same way', () => {
    const v = decodeIdp(V31);
    assert.equal(v.configForm, 'string');
    const c = v.decoded!.config as Record<string, unknown>;
    assert.equal(c.useSSL, 'true');
    // The form writes a boolean; it goes back as the string it was.
    const edited = { ...v.decoded!, config: { ...c, useSSL: false, servers: ['a:1636'] } };
    const out = JSON.parse(encodeIdp(edited, v));
    assert.equal(typeof out.config, 'string');
    const inner = JSON.parse(out.config);
    assert.equal(inner.useSSL, 'false');
    assert.equal(inner.enabled, false, 'a boolean stays a boolean');
    assert.equal(inner.extra, 'keep');
    assert.deepEqual(Object.keys(inner), Object.keys(JSON.parse(JSON.parse(V31).config)), 'key order kept');
    assert.deepEqual(Object.keys(out), ['type', 'name', 'priority', 'config']);
  });

  it('decodes 4.x oxIDPAuthentication (config an object) and keeps it an object', () => {
    const v = decodeIdp(V4);
    assert.equal(v.configForm, 'object');
    const out = JSON.parse(encodeIdp({ ...v.decoded!, config: { ...(v.decoded!.config as object), servers: ['b:1636'] } }, v));
    assert.deepEqual(out.config, { configId: 'auth_ldap_server', servers: ['b:1636'], useSSL: true, bindPassword: 'enc==' });
  });

  it('reports a config string that is not JSON', () => {
    const v = decodeIdp(JSON.stringify({ config: '{"servers": [' }));
    assert.equal(v.decoded, undefined);
    assert.match(v.error!, /its "config" member \(a JSON string\) is not valid JSON/);
    assert.match(
      idpProblems({ config: { servers: ['x'], useSSL: 'yes', maxConnections: 0 } })
        .map((p) => p.message)
        .join('|'),
      /not host:port.*\|.*maxConnections.*\|.*useSSL is true or false|not host:port/,
    );
  });

  it('merge-patches like RFC 7386', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: 5 }), { a: 1, b: { d: 3, e: 4 }, f: 5 });
  });
});

describe('LDAP edits', () => {
  it('drops edits that change nothing, so untouched values are not written', () => {
    const s = snapshot();
    const r = resolveEdits(s, [
      { attribute: 'cache', decoded: JSON.parse(CACHE) },
      { attribute: 'idp', index: 0, decoded: structuredClone(s.idp[0].decoded!) },
      { attribute: 'cache', raw: CACHE },
    ]);
    assert.deepEqual(r, { changes: [], errors: [], warnings: [] });
  });

  it('turns a form edit into the exact old value and the new text, unknown fields kept', () => {
    const s = snapshot();
    const r = resolveEdits(s, [{ attribute: 'cache', decoded: { ...s.cache!.decoded!, cacheProviderType: 'REDIS' } }]);
    assert.deepEqual(r.errors, []);
    assert.equal(r.changes[0].old, CACHE);
    assert.deepEqual(JSON.parse(r.changes[0].new).futureField, { x: 1 });
    assert.equal(r.changes[0].attribute, 'oxCacheConfiguration');
  });

  it('never writes invalid JSON or a value that fails its checks', () => {
    const s = snapshot();
    assert.match(resolveEdits(s, [{ attribute: 'cache', raw: '{' }]).errors[0], /oxCacheConfiguration: not valid JSON/);
    const bad = resolveEdits(s, [{ attribute: 'cache', decoded: { cacheProviderType: 'REDIS', redisConfiguration: { servers: 'nope' } } }]);
    assert.match(bad.errors[0], /"nope" is not host:port/);
    assert.match(
      resolveEdits(s, [{ attribute: 'idp', index: 0, raw: JSON.stringify({ config: '{bad' }) }]).errors[0],
      /oxIDPAuthentication value 1: not valid JSON/,
    );
    assert.match(resolveEdits(s, [{ attribute: 'idp', index: 3, raw: '{}' }]).errors[0], /no such value/);
  });

  it("plans the manual's changes: REDIS on the cache host, every node on 1636; idempotent", () => {
    const s = snapshot();
    const cache = planEdits(s, 'cache', {
      cacheProviderType: 'REDIS',
      redisConfiguration: { redisProviderType: 'STANDALONE', servers: 'cache.example.org:6379' },
    });
    const written = JSON.parse(cache.changes[0].new);
    assert.deepEqual(written.redisConfiguration, {
      servers: 'cache.example.org:6379',
      defaultPutExpiration: 60,
      redisProviderType: 'STANDALONE',
    });
    const idp = planEdits(s, 'idpAuthentication', { servers: ['idp1.example.org:1636', 'idp2.example.org:1636'] });
    assert.deepEqual(JSON.parse(JSON.parse(idp.changes[0].new).config).servers, ['idp1.example.org:1636', 'idp2.example.org:1636']);
    const after = snapshot({ idp: [decodeIdp(idp.changes[0].new)] });
    assert.deepEqual(planEdits(after, 'idpAuthentication', { servers: ['idp1.example.org:1636', 'idp2.example.org:1636'] }).changes, []);
  });

  it('shows the diff with the 3.1.x config decoded, and reverses a save for Restore Previous', () => {
    const s = snapshot();
    const r = planEdits(s, 'idpAuthentication', { servers: ['x.example.org:1636'] });
    const d = diffTexts(r.changes);
    assert.match(d.before, /\/\/ oxIDPAuthentication value 1\n\/\/ "config" is stored as a JSON string; shown decoded\n/);
    assert.match(d.before, /"localhost:1636"/);
    assert.match(d.after, /"x\.example\.org:1636"/);
    assert.deepEqual(reverseChanges(r.changes).changes[0], { ...r.changes[0], old: r.changes[0].new, new: r.changes[0].old });
    assert.match(reverseChanges([{ attribute: 'a', label: 'a', old: null, new: '{}' }]).skipped[0], /had no value before/);
  });
});

describe('secrets in printed LDAP values', () => {
  it('masks every non-empty password-named member, at any depth, and keeps the rest', async () => {
    const { MASKED, maskedSecrets, maskSecretsInText, readableValue } = await import('../../src/core/ldap/edits');
    const v = { type: 'auth', config: { bindPassword: 'Xq3N8bVd0rJ2kFz7cWm5LA==', servers: ['a:1636'], empty: { password: '' } } };
    assert.deepEqual(maskedSecrets(v), { type: 'auth', config: { bindPassword: MASKED, servers: ['a:1636'], empty: { password: '' } } });
    assert.deepEqual(maskedSecrets([{ redisConfiguration: { password: 'p', sentinelMasterGroupName: 'x' } }]), [
      { redisConfiguration: { password: MASKED, sentinelMasterGroupName: 'x' } },
    ]);
    assert.equal(maskSecretsInText('{"bindPassword": "a\\"b", "x": 1, broken'), `{"bindPassword": "${MASKED}", "x": 1, broken`);
    const idp = JSON.stringify({ type: 'auth', config: JSON.stringify({ bindPassword: 'S3cr3t', servers: ['a:1636'] }) });
    assert.ok(!readableValue('oxIDPAuthentication', idp, { maskSecrets: true }).includes('S3cr3t'));
    assert.ok(readableValue('oxIDPAuthentication', idp).includes('S3cr3t'), 'the editor and its diff still see the value');
  });
});
