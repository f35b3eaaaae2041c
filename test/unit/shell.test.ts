import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { and, cmd, lines, quote, sh } from '../../src/core/ssh/shell';

/** Strings that break naive quoting: every shell metacharacter, quotes, newlines, unicode. */
export const HOSTILE = [
  `'`,
  `"`,
  '$',
  '!',
  '\\',
  ';',
  '|',
  '&',
  '>',
  '<',
  '*',
  '?',
  '~',
  '\n',
  '`',
  '#',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ' ',
  `it's`,
  `say "hi"`,
  '$HOME',
  '${PATH}',
  '$(id)',
  '`id`',
  '!!',
  '!$',
  'a\\nb',
  'a\nb\nc',
  '; rm -rf / #',
  '| cat /etc/passwd',
  '&& echo pwned',
  '> /tmp/x',
  '< /etc/shadow',
  '*.*',
  '?',
  '~root',
  `'"'"'`,
  `\\'`,
  '-n',
  '--help',
  '=x',
  '\t',
  '\r\n',
  'pässwörd €',
  '日本語',
  '😀 emoji',
  ' leading and trailing ',
  `p@ss! w'rd $ "x" \\ ;`,
  '',
  'x'.repeat(2000),
];

const run = (shell: string, script: string) => execFileSync(shell, ['-c', script], { encoding: 'utf8' });

describe('shell quoting', () => {
  // dash is Debian's /bin/sh, the shell a remote `sh -c` gets.
  for (const shell of ['bash', 'dash']) {
    it(`every hostile string survives ${shell} unchanged`, () => {
      for (const s of HOSTILE) {
        assert.equal(run(shell, `printf '%s' ${quote(s)}`), s, JSON.stringify(s));
      }
    });
  }

  it('survives a second level of quoting (bash -c inside a command, as for chroot and ssh)', () => {
    for (const s of HOSTILE) {
      const inner = sh`printf '%s' ${s}`;
      const outer = sh`bash -c ${inner.text}`;
      assert.equal(run('bash', outer.text), s, JSON.stringify(s));
      const third = sh`sh -c ${outer.text}`;
      assert.equal(run('bash', third.text), s, JSON.stringify(s));
    }
  });

  it('leaves plain words readable and quotes the rest', () => {
    assert.equal(quote('idp1.example.org'), 'idp1.example.org');
    assert.equal(quote('/opt/gluu-server-3.1.5/etc/certs'), '/opt/gluu-server-3.1.5/etc/certs');
    assert.equal(quote('cn=directory manager'), `'cn=directory manager'`);
    assert.equal(quote(`it's`), `'it'\\''s'`);
    assert.equal(quote(''), `''`);
    assert.equal(quote('-rf'), `'-rf'`);
    assert.equal(quote(4444), '4444');
  });

  it('refuses NUL, which no shell argument can hold', () => {
    assert.throws(() => quote('a\0b'), /NUL/);
  });

  it('refuses a lone surrogate, which has no UTF-8 form and would arrive as U+FFFD', () => {
    for (const s of ['\uD800', 'a\uDC00b', 'x\uDBFF', '\uDFFF\uD800']) assert.throws(() => quote(s), /surrogate/, JSON.stringify(s));
    assert.equal(quote('😀'), `'😀'`, 'a surrogate pair is fine');
  });

  it('refuses undefined, null and non-finite numbers instead of quoting the words "undefined" or "NaN"', () => {
    for (const v of [undefined, null, NaN, Infinity, {}, true]) {
      assert.throws(() => quote(v as unknown as string), /must be a string or a finite number/, String(v));
      assert.throws(() => sh`rm -f ${v as unknown as string}`, /must be a string or a finite number/, String(v));
    }
  });

  it('sh`` quotes interpolations, keeps literals, nests Shell values and spreads arrays', () => {
    const file = '/tmp/a b';
    assert.equal(sh`test -f ${file} && echo ${'yes!'}`.text, `test -f '/tmp/a b' && echo 'yes!'`);
    assert.equal(sh`tar -cf x.tar ${['keystore', 'key store']}`.text, `tar -cf x.tar keystore 'key store'`);
    assert.equal(sh`( ${cmd('echo', 'a;b')} )`.text, `( echo 'a;b' )`);
    assert.equal(and(cmd('a'), cmd('b c')).text, `a && 'b c'`);
    assert.equal(lines(cmd('a'), cmd('b')).text, 'a\nb');
  });

  it('builds commands that run as written', () => {
    const s = `x'; echo INJECTED; '`;
    assert.equal(run('bash', and(cmd('printf', '%s|', s, 'two words'), cmd('printf', '%s', '$HOME')).text), `${s}|two words|$HOME`);
  });
});

describe('sh`` literals', () => {
  it('are taken raw, so escapes reach the shell as typed', () => {
    assert.equal(sh`printf '%s\n' ${'a b'}`.text, `printf '%s\\n' 'a b'`);
    assert.equal(run('bash', sh`printf '%s\n' ${'x'} ${'y'}`.text), 'x\ny\n');
  });
});

describe('redis.conf strings', () => {
  it('quote passwords so redis reads them back exactly', async () => {
    const { redisString } = await import('../../src/core/render/redis');
    assert.equal(redisString(`p@ss! w'rd $ "x" \\ ;`), `"p@ss! w'rd $ \\"x\\" \\\\ ;"`);
  });
});
