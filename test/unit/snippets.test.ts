/**
 * Editing support for the two generated files, nginx.conf and csync2.cfg: the snippets, once
 * expanded with their defaults and inserted where they belong in a generated file, still pass
 * the validators (real nginx -t, the csync2 structure check and real csync2's own parser); the
 * TextMate grammars compile and scope the generated files; the contributions hang together.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { checkCsync2Cfg } from '../../src/core/render/csync2Check';
import { PROXY_SETTINGS } from '../../src/core/render/nginx';
import { checkNginxConf, findNginx } from '../../src/core/render/nginxCheck';
import { FIXTURES, ROOT } from './paths';
import { expandSnippet, indentSnippet, parseSnippet, SnippetSyntaxError, snippetVariants } from './snippetSyntax';

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description: string;
}

const readJson = <T>(rel: string): T => JSON.parse(readFileSync(path.join(ROOT, rel), 'utf8')) as T;
const golden = (name: string) => readFileSync(path.join(FIXTURES, 'golden', name), 'utf8');
const prefixOf = (s: Snippet) => (Array.isArray(s.prefix) ? s.prefix[0] : s.prefix);
const bodyText = (s: Snippet) => (Array.isArray(s.body) ? s.body.join('\n') : s.body);

const NGINX_GOLDEN = ['nginx-manual-example.conf', 'nginx-four-nodes.conf'];
const CSYNC2_GOLDEN = ['csync2-manual-example.cfg', 'csync2-four-nodes.cfg'];

/** The upstream host names of the manual's cluster and of the four-node fixture. */
const HOSTS: Record<string, string> = {
  'idp1.example.org': '159.203.126.10',
  'idp2.example.org': '138.197.65.243',
  'idp3.example.org': '192.0.2.13',
  'idp4.example.org': '192.0.2.14',
};

// ---------------------------------------------------------------------------------------------
// Placing a snippet in a generated file, as a user would

/** Inserts lines after the first line matching `after`, indented by `indent`. */
function insertAfter(text: string, after: RegExp, snippet: string, indent: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => after.test(l));
  assert.ok(at >= 0, `no line matches ${after}`);
  lines.splice(at + 1, 0, ...indentSnippet(snippet, indent));
  return lines.join('\n');
}

/** Where each nginx snippet goes (every snippet must say). */
const NGINX_PLACES: Record<string, (conf: string, snippet: string) => string> = {
  // inside http { }
  'gluu-upstream': (c, s) => insertAfter(c, /^http \{$/, s, '    '),
  'gluu-sticky-upstream': (c, s) => insertAfter(c, /^http \{$/, s, '    '),
  'gluu-tls-server': (c, s) => insertAfter(c, /^http \{$/, s, '    '),
  'gluu-redirect': (c, s) => insertAfter(c, /^http \{$/, s, '    '),
  // inside the round-robin upstream { }
  'gluu-upstream-server': (c, s) => insertAfter(c, /^\s*upstream backend \{$/, s, '        '),
  // inside the TLS server { }, after the certificate lines
  'gluu-location': (c, s) => insertAfter(c, /^\s*ssl_certificate_key\s/, `\n${s}`, '        '),
  'gluu-upstream-log': (c, s) => insertAfter(c, /^\s*ssl_certificate_key\s/, `\n${s}`, '        '),
};

/** Where each csync2 snippet goes. */
const CSYNC2_PLACES: Record<string, (cfg: string, snippet: string) => string> = {};
const insideGroup = (cfg: string, s: string) => {
  const lines = cfg.split('\n');
  const close = lines.lastIndexOf('}');
  assert.ok(close > 0, 'the group closes with a } line');
  lines.splice(close, 0, '', ...indentSnippet(s, '    '));
  return lines.join('\n');
};
for (const p of ['csync2-host', 'csync2-include', 'csync2-exclude', 'csync2-action', 'csync2-backup', 'csync2-auto'])
  CSYNC2_PLACES[p] = insideGroup;
// A group has exactly one key: the snippet replaces the generated one.
CSYNC2_PLACES['csync2-key'] = (cfg, s) => {
  const lines = cfg.split('\n');
  const at = lines.findIndex((l) => /^\s*key\s/.test(l));
  lines.splice(at, 1, ...indentSnippet(s, '    '));
  return lines.join('\n');
};
// Top level, after the generated group.
CSYNC2_PLACES['csync2-group'] = (cfg, s) => `${cfg}\n${s}\n`;
CSYNC2_PLACES['csync2-prefix'] = (cfg, s) => `${cfg}\n${s}\n`;

/** The variants of a snippet; a body that does not parse becomes one failing test, not a crashed run. */
function variants(s: Snippet): { label: string; text?: string; error?: unknown }[] {
  try {
    return snippetVariants(s.body);
  } catch (error) {
    return [{ label: 'does not parse', error }];
  }
}

// ---------------------------------------------------------------------------------------------
// Real csync2: parse the config and nothing else

const CSYNC2 = ['/usr/sbin/csync2', '/usr/bin/csync2', '/usr/local/sbin/csync2'].find((p) => existsSync(p));

/**
 * Has real csync2 parse `text` as its config: `CSYNC2_SYSTEM_DIR=<tmp> csync2 -N idp1.example.org
 * -C check -D <tmp>/db -M` reads <tmp>/csync2_check.cfg, then lists the dirty files of an empty
 * database in <tmp>/db (exit 2: "db is empty", or 0). Any parse or config error is fatal: exit 1
 * and a message ("Near line N: syntax error", "Config error: ..."). csync2 reads the key file
 * while it parses (and rejects one shorter than 32 characters), so key paths are swapped for a
 * key made with csync2 -k, as nginxCheck swaps certificates.
 */
function csync2Parse(text: string, node = 'idp1.example.org'): { ok: boolean; code: number | null; out: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'gluu-csync2-check-'));
  try {
    const key = path.join(dir, 'csync2.key');
    const gen = spawnSync(CSYNC2!, ['-k', key], { encoding: 'utf8', timeout: 10000 });
    assert.equal(gen.status, 0, `csync2 -k failed: ${gen.stderr}`);
    writeFileSync(path.join(dir, 'csync2_check.cfg'), text.replace(/^(\s*key\s+)[^;\s]+;/gm, `$1${key};`));
    mkdirSync(path.join(dir, 'db'));
    const r = spawnSync(CSYNC2!, ['-N', node, '-C', 'check', '-D', path.join(dir, 'db'), '-M'], {
      encoding: 'utf8',
      timeout: 10000,
      env: { ...process.env, CSYNC2_SYSTEM_DIR: dir },
    });
    const out = `${r.stdout}${r.stderr}`.trim();
    return { ok: (r.status === 0 || r.status === 2) && !/error/i.test(r.stderr), code: r.status, out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// TextMate

let onigLoaded: Promise<vsctm.IOnigLib> | undefined;
function onigLib(): Promise<vsctm.IOnigLib> {
  onigLoaded ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return {
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    };
  })();
  return onigLoaded;
}

const GRAMMAR_FILES: Record<string, string> = {
  'source.nginx': 'syntaxes/nginx.tmLanguage.json',
  'source.csync2': 'syntaxes/csync2.tmLanguage.json',
};

async function loadGrammar(scope: string): Promise<vsctm.IGrammar> {
  const registry = new vsctm.Registry({
    onigLib: onigLib(),
    loadGrammar: async (s) =>
      GRAMMAR_FILES[s]
        ? vsctm.parseRawGrammar(readFileSync(path.join(ROOT, GRAMMAR_FILES[s]), 'utf8'), path.join(ROOT, GRAMMAR_FILES[s]))
        : null,
  });
  const g = await registry.loadGrammar(scope);
  assert.ok(g, `grammar ${scope} loads`);
  return g;
}

type Lines = { text: string; tokens: vsctm.IToken[] }[];

function tokenize(grammar: vsctm.IGrammar, text: string): Lines {
  let state = vsctm.INITIAL;
  return text.split('\n').map((line, i) => {
    const r = grammar.tokenizeLine(line, state, 1000);
    assert.ok(!r.stoppedEarly, `line ${i + 1} took too long to tokenize`);
    state = r.ruleStack;
    return { text: line, tokens: r.tokens };
  });
}

/** Asserts that every character of the nth occurrence of `needle` carries `scope`. */
function expectScope(lines: Lines, needle: string | RegExp, scope: string, nth = 0): void {
  let seen = 0;
  for (const { text, tokens } of lines) {
    const re = typeof needle === 'string' ? new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g') : new RegExp(needle.source, 'g');
    for (const m of text.matchAll(re)) {
      if (seen++ < nth) continue;
      for (let c = m.index!; c < m.index! + m[0].length; c++) {
        const t = tokens.find((k) => k.startIndex <= c && c < k.endIndex)!;
        assert.ok(t.scopes.includes(scope), `"${m[0]}" in "${text.trim()}": column ${c} has ${t.scopes.join(' ')}, not ${scope}`);
      }
      return;
    }
  }
  assert.fail(`"${needle}" not found`);
}

/** Every regex of a grammar, with where it is. */
function grammarRegexes(node: unknown, where = ''): { where: string; source: string }[] {
  if (!node || typeof node !== 'object') return [];
  const out: { where: string; source: string }[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (['match', 'begin', 'end', 'while'].includes(k) && typeof v === 'string') out.push({ where: `${where}/${k}`, source: v });
    else out.push(...grammarRegexes(v, `${where}/${k}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('editing support for nginx.conf and csync2.cfg', () => {
  const nginxSnippets = readJson<Record<string, Snippet>>('snippets/nginx.json');
  const csync2Snippets = readJson<Record<string, Snippet>>('snippets/csync2.json');

  describe('the snippet expander (VS Code snippet syntax)', () => {
    it('expands defaults, choices, mirrors, nesting, $0 and escapes', () => {
      assert.equal(expandSnippet('a ${1:x} b $1 ${1} $0'), 'a x b x x ');
      assert.equal(expandSnippet('${2|one,two|} $2', { choose: { 2: 1 } }), 'two two');
      assert.equal(expandSnippet('${2|one,two|}'), 'one');
      assert.equal(expandSnippet('${1:a ${2:b}} $2'), 'a b b');
      assert.equal(expandSnippet('$1 then $3'), ' then ');
      assert.equal(expandSnippet(['x \\$host \\} \\\\', 'y $ z']), 'x $host } \\\ny $ z');
      assert.equal(expandSnippet('${1|a\\,b,c|}'), 'a,b');
    });
    it('rejects variables, so an unescaped nginx $host cannot slip into a snippet', () => {
      assert.throws(() => parseSnippet('proxy_set_header Host $host;'), SnippetSyntaxError);
      assert.throws(() => parseSnippet('https://${host}'), SnippetSyntaxError);
      assert.throws(() => parseSnippet('${1/a/b/}'), SnippetSyntaxError);
      assert.throws(() => parseSnippet('${1:open'), SnippetSyntaxError);
    });
  });

  describe('snippets: prefixes, bodies, descriptions', () => {
    for (const [lang, snippets, start] of [
      ['nginx', nginxSnippets, 'gluu-'],
      ['csync2', csync2Snippets, 'csync2-'],
    ] as const) {
      it(`every ${lang} snippet has a prefix, a body and a description, and the prefixes are unique`, () => {
        const seen = new Map<string, string>();
        assert.ok(Object.keys(snippets).length >= 5);
        for (const [name, s] of Object.entries(snippets)) {
          const prefixes = Array.isArray(s.prefix) ? s.prefix : [s.prefix];
          assert.ok(
            prefixes.length > 0 && prefixes.every((p) => typeof p === 'string' && p.startsWith(start)),
            `${name}: prefix starts with ${start}`,
          );
          for (const p of prefixes) {
            assert.ok(!seen.has(p), `prefix ${p} of "${name}" is also the prefix of "${seen.get(p)}"`);
            seen.set(p, name);
          }
          assert.ok(
            typeof s.body === 'string' || (Array.isArray(s.body) && s.body.length > 0 && s.body.every((l) => typeof l === 'string')),
            `${name}: body`,
          );
          assert.ok(typeof s.description === 'string' && s.description.length > 20, `${name}: description`);
          assert.doesNotThrow(() => expandSnippet(s.body), `${name}: body is valid snippet syntax with no variables`);
          assert.ok(/\$\{?\d/.test(bodyText(s)), `${name}: has tab stops`);
        }
      });
    }
    it('every snippet says where it goes (a place the tests insert it)', () => {
      assert.deepEqual(Object.values(nginxSnippets).map(prefixOf).sort(), Object.keys(NGINX_PLACES).sort());
      assert.deepEqual(Object.values(csync2Snippets).map(prefixOf).sort(), Object.keys(CSYNC2_PLACES).sort());
    });
    it('nginx variables are escaped in the JSON and come out as $host, $remote_addr, ...', () => {
      const location = Object.values(nginxSnippets).find((s) => prefixOf(s) === 'gluu-location')!;
      assert.ok(bodyText(location).includes('\\$host;'));
      const text = expandSnippet(location.body);
      for (const v of ['$host;', '$remote_addr;', '$proxy_add_x_forwarded_for;']) assert.ok(text.includes(v), v);
      const redirect = Object.values(nginxSnippets).find((s) => prefixOf(s) === 'gluu-redirect')!;
      assert.match(expandSnippet(redirect.body), /return 301 https:\/\/gluu\.example\.org\$request_uri;/);
    });
    it("the location snippet carries the generator's PROXY_SETTINGS exactly", () => {
      const location = Object.values(nginxSnippets).find((s) => prefixOf(s) === 'gluu-location')!;
      const lines = expandSnippet(location.body)
        .split('\n')
        .map((l) => l.replace(/^\t/, ''));
      const first = lines.indexOf(PROXY_SETTINGS[0]);
      assert.ok(first > 0, 'proxy settings present');
      assert.deepEqual(lines.slice(first, first + PROXY_SETTINGS.length), [...PROXY_SETTINGS]);
    });
  });

  describe('nginx snippets in a generated nginx.conf pass real nginx -t', function () {
    before(() => {
      // Installed by scripts/install-system-deps.sh; a missing nginx is a failure, not a skip.
      assert.ok(findNginx(), 'nginx is installed (scripts/install-system-deps.sh)');
    });
    for (const s of Object.values(nginxSnippets)) {
      for (const v of variants(s)) {
        for (const g of NGINX_GOLDEN) {
          it(`${prefixOf(s)} (${v.label}) in ${g}`, async () => {
            if (v.error) throw v.error;
            const conf = NGINX_PLACES[prefixOf(s)](golden(g), v.text!);
            const r = await checkNginxConf(conf, HOSTS);
            assert.equal(r.skipped, undefined);
            assert.deepEqual(r.problems, [], conf);
            assert.ok(r.ok);
          });
        }
      }
    }
    it('the generated files pass as they are, and a snippet in the wrong block fails (the check bites)', async () => {
      for (const g of NGINX_GOLDEN) assert.deepEqual(await checkNginxConf(golden(g), HOSTS), { ok: true, problems: [] });
      const location = Object.values(nginxSnippets).find((s) => prefixOf(s) === 'gluu-location')!;
      const wrong = insertAfter(golden(NGINX_GOLDEN[0]), /^http \{$/, expandSnippet(location.body), '    ');
      const r = await checkNginxConf(wrong, HOSTS);
      assert.equal(r.ok, false);
      assert.match(r.problems[0].message, /"location" directive is not allowed here/);
    });
  });

  describe('csync2 snippets in a generated csync2.cfg', () => {
    for (const s of Object.values(csync2Snippets)) {
      for (const v of variants(s)) {
        for (const g of CSYNC2_GOLDEN) {
          it(`${prefixOf(s)} (${v.label}) in ${g}: checkCsync2Cfg and real csync2 accept it`, () => {
            if (v.error) throw v.error;
            const cfg = CSYNC2_PLACES[prefixOf(s)](golden(g), v.text!);
            assert.deepEqual(checkCsync2Cfg(cfg), [], cfg);
            assert.ok(CSYNC2, 'csync2 is installed (scripts/install-system-deps.sh)');
            const r = csync2Parse(cfg);
            assert.ok(r.ok, `csync2 exit ${r.code}: ${r.out}\n${cfg}`);
          });
        }
      }
    }
    it('real csync2 accepts the generated files and rejects broken ones with its parse errors', () => {
      assert.ok(CSYNC2, 'csync2 is installed (scripts/install-system-deps.sh)');
      for (const g of CSYNC2_GOLDEN) assert.ok(csync2Parse(golden(g)).ok, g);
      const base = golden(CSYNC2_GOLDEN[0]);
      // An unknown statement: a yacc syntax error, with the line.
      const unknown = insideGroup(base, 'hosts idp3.example.org;');
      const lineOfUnknown = unknown.split('\n').findIndex((l) => l.includes('hosts idp3')) + 1;
      const r1 = csync2Parse(unknown);
      assert.equal(r1.ok, false);
      assert.equal(r1.code, 1);
      assert.equal(r1.out, `Near line ${lineOfUnknown}: syntax error`);
      assert.ok(checkCsync2Cfg(unknown).some((p) => /unknown group statement "hosts"/.test(p.message)));
      // A missing semicolon.
      assert.equal(csync2Parse(base.replace('host idp2.example.org;', 'host idp2.example.org')).ok, false);
      // A second key: semantic, reported as a config error.
      const r2 = csync2Parse(insideGroup(base, 'key /etc/csync2.key;'));
      assert.equal(r2.ok, false);
      assert.match(r2.out, /Config error: a group might only have one key/);
      // A node that is in no group.
      const r3 = csync2Parse(base, 'lb.example.org');
      assert.equal(r3.ok, false);
      assert.match(r3.out, /not a member of any configured group/);
    });
  });

  describe('grammars', () => {
    let nginx: vsctm.IGrammar;
    let csync2: vsctm.IGrammar;
    before(async () => {
      nginx = await loadGrammar('source.nginx');
      csync2 = await loadGrammar('source.csync2');
    });

    it('every regex of both grammars compiles in Oniguruma', async () => {
      await onigLib();
      for (const file of Object.values(GRAMMAR_FILES)) {
        const raw = readJson<unknown>(file);
        const regexes = grammarRegexes(raw);
        assert.ok(regexes.length > 5);
        for (const r of regexes)
          assert.doesNotThrow(() => new oniguruma.OnigScanner([r.source]).dispose(), `${file}${r.where}: ${r.source}`);
      }
    });

    for (const g of NGINX_GOLDEN) {
      it(`scopes the generated ${g}`, () => {
        const lines = tokenize(nginx, golden(g));
        expectScope(lines, /^# nginx\.conf.*/, 'comment.line.number-sign.nginx');
        expectScope(lines, '#', 'punctuation.definition.comment.nginx');
        expectScope(lines, 'events', 'keyword.control.block.nginx');
        expectScope(lines, 'worker_connections', 'keyword.other.directive.nginx');
        expectScope(lines, '6500', 'constant.numeric.nginx');
        expectScope(lines, 'upstream', 'keyword.control.block.nginx');
        expectScope(lines, 'ip_hash', 'keyword.other.directive.nginx');
        expectScope(lines, /(?<=^\s+)server(?= idp)/, 'keyword.other.directive.nginx');
        expectScope(lines, /(?<=^\s+)server(?= \{)/, 'keyword.control.block.nginx');
        expectScope(lines, '10s', 'constant.numeric.nginx');
        expectScope(lines, 'server_name', 'keyword.other.directive.nginx');
        expectScope(lines, '$request_uri', 'variable.other.nginx');
        expectScope(lines, 'ssl_certificate_key', 'keyword.other.directive.nginx');
        expectScope(lines, 'location', 'keyword.control.block.nginx');
        expectScope(lines, '^(/)$', 'string.regexp.nginx');
        expectScope(lines, 'proxy_set_header', 'keyword.other.directive.nginx');
        expectScope(lines, '$host', 'variable.other.nginx');
        expectScope(lines, '$proxy_add_x_forwarded_for', 'variable.other.nginx');
        expectScope(lines, 'off', 'constant.language.nginx');
        expectScope(lines, /(?<=6500);/, 'punctuation.terminator.statement.nginx');
        expectScope(lines, '{', 'punctuation.section.block.begin.nginx');
        // Every directive of the generated file is a known one, and nothing is scoped as a mistake.
        for (const { text, tokens } of lines) {
          for (const t of tokens) {
            const scopes = t.scopes.join(' ');
            assert.ok(
              !/entity\.name\.function\.directive|invalid/.test(scopes),
              `"${text.slice(t.startIndex, t.endIndex)}" in "${text.trim()}": ${scopes}`,
            );
          }
        }
      });
    }

    it('scopes the expanded nginx snippets: all their directives are known', () => {
      for (const s of Object.values(nginxSnippets)) {
        const lines = tokenize(nginx, expandSnippet(s.body));
        for (const { text, tokens } of lines) {
          const first = tokens.find((t) => text.slice(t.startIndex, t.endIndex).trim() !== '');
          if (!first || text.trim().startsWith('}')) continue;
          assert.ok(
            first.scopes.some((x) => /^(keyword\.other\.directive|keyword\.control\.block|comment\.line)\./.test(x)),
            `${prefixOf(s)}: "${text.trim()}" starts with ${first.scopes.join(' ')}`,
          );
        }
      }
    });

    it('keeps nginx statements apart: a missing ; stops at the brace, strings and $1 are scoped', () => {
      const lines = tokenize(
        nginx,
        ['server {', '    listen 80', '}', 'http { add_header X-Test "a $host b" always; }', 'location ~* \\.php$ { return 200 $1; }'].join(
          '\n',
        ),
      );
      expectScope(lines, '}', 'punctuation.section.block.end.nginx');
      expectScope(lines, 'http', 'keyword.control.block.nginx');
      expectScope(lines, 'add_header', 'keyword.other.directive.nginx');
      expectScope(lines, '"a $host b"', 'string.quoted.double.nginx');
      expectScope(lines, '$host', 'variable.other.nginx');
      expectScope(lines, '~*', 'keyword.operator.regexp.nginx');
      expectScope(lines, '\\.php$', 'string.regexp.nginx');
      expectScope(lines, '$1', 'variable.other.nginx');
      expectScope(lines, '200', 'constant.numeric.nginx');
    });

    for (const g of CSYNC2_GOLDEN) {
      it(`scopes the generated ${g}`, () => {
        const lines = tokenize(csync2, golden(g));
        expectScope(lines, /^# csync2\.cfg.*/, 'comment.line.number-sign.csync2');
        expectScope(lines, 'group', 'keyword.control.block.csync2');
        expectScope(lines, 'gluucluster', 'entity.name.section.group.csync2');
        expectScope(lines, /(?<=^\s+)host/, 'keyword.other.directive.csync2');
        expectScope(lines, /(?<=^\s+)key/, 'keyword.other.directive.csync2');
        expectScope(lines, '/etc/csync2.key', 'string.unquoted.path.csync2');
        expectScope(lines, /(?<=^\s+)include/, 'keyword.other.directive.csync2');
        expectScope(lines, /(?<=^\s+)exclude/, 'keyword.other.directive.csync2');
        expectScope(lines, /(?<=idp1\.example\.org);/, 'punctuation.terminator.statement.csync2');
        expectScope(lines, /^\{/, 'punctuation.section.block.begin.csync2');
        expectScope(lines, /^\}/, 'punctuation.section.block.end.csync2');
        // The first word of every statement inside the group is a keyword.
        for (const { text, tokens } of lines) {
          const m = /^\s+(\S+)/.exec(text);
          if (!m) continue;
          const t = tokens.find((k) => k.startIndex <= m.index + text.indexOf(m[1]) && text.indexOf(m[1]) < k.endIndex)!;
          assert.ok(t.scopes.includes('keyword.other.directive.csync2'), `"${m[1]}": ${t.scopes.join(' ')}`);
        }
      });
    }

    it('scopes the expanded csync2 snippets', () => {
      const all = Object.values(csync2Snippets)
        .map((s) => expandSnippet(s.body))
        .join('\n');
      const lines = tokenize(csync2, all);
      for (const k of ['action', 'prefix']) expectScope(lines, k, 'keyword.control.block.csync2');
      for (const k of ['pattern', 'exec', 'logfile', 'do-local', 'backup-directory', 'backup-generations', 'auto'])
        expectScope(lines, new RegExp(`(?<=^\\s*)${k}`), 'keyword.other.directive.csync2');
      expectScope(lines, 'younger', 'constant.language.csync2');
      expectScope(lines, /(?<=generations )3/, 'constant.numeric.csync2');
      expectScope(lines, '"/usr/bin/logger -t csync2 updated %%"', 'string.quoted.double.csync2');
      expectScope(lines, '%%', 'constant.other.placeholder.csync2');
      const ref = tokenize(csync2, 'include %gluu%/etc/gluu/conf; host a@b (c);');
      expectScope(ref, '%gluu%', 'variable.other.prefix.csync2');
      expectScope(ref, '@', 'punctuation.separator.host.csync2');
    });
  });

  describe('the contributions (package.json)', () => {
    interface Fragment {
      languages: { id: string; filenames?: string[]; extensions?: string[]; filenamePatterns?: string[]; configuration: string }[];
      grammars: { language: string; scopeName: string; path: string }[];
      snippets: { language: string; path: string }[];
    }
    const { languages, grammars, snippets } = readJson<{ contributes: Fragment }>('package.json').contributes;
    const fragment: Fragment = { languages, grammars, snippets };
    /** A glob of VS Code's filenamePatterns (only * and **\/ used here) against a path. */
    const glob = (pattern: string, file: string) => {
      const re = pattern
        .split('**/')
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('(?:.*/)?');
      return new RegExp(`^${re}$`).test(pattern.includes('/') ? file : path.posix.basename(file));
    };
    const languageOf = (file: string) =>
      fragment.languages.find(
        (l) =>
          l.filenames?.includes(path.posix.basename(file)) ||
          l.extensions?.some((e) => file.endsWith(e)) ||
          l.filenamePatterns?.some((p) => glob(p, file)),
      )?.id;

    it('has only languages, grammars and snippets, each pointing at an existing file', () => {
      assert.deepEqual(Object.keys(fragment).sort(), ['grammars', 'languages', 'snippets']);
      assert.deepEqual(
        fragment.languages.map((l) => l.id),
        ['nginx', 'csync2', 'slapd'],
      );
      for (const l of fragment.languages) assert.ok(existsSync(path.join(ROOT, l.configuration)), l.configuration);
      for (const g of fragment.grammars) {
        assert.equal(readJson<{ scopeName: string }>(g.path).scopeName, g.scopeName);
        assert.equal(g.scopeName, `source.${g.language}`);
      }
      for (const s of fragment.snippets) assert.ok(existsSync(path.join(ROOT, s.path)), s.path);
      for (const id of ['nginx', 'csync2', 'slapd']) {
        assert.ok(fragment.grammars.some((g) => g.language === id));
        assert.ok(fragment.snippets.some((g) => g.language === id));
      }
    });

    it('gives the generated files their languages', () => {
      assert.equal(languageOf('cluster/openldap-replication.conf'), 'slapd');
      assert.equal(languageOf('/opt/symas/etc/openldap/slapd.conf'), 'slapd');
      assert.equal(languageOf('cluster/nginx.conf'), 'nginx');
      assert.equal(languageOf('/etc/nginx/nginx.conf'), 'nginx');
      assert.equal(languageOf('lb.nginx'), 'nginx');
      assert.equal(languageOf('cluster/csync2.cfg'), 'csync2');
      assert.equal(languageOf('/etc/csync2_gluu.cfg'), 'csync2');
      assert.equal(languageOf('test/fixtures/golden/csync2-four-nodes.cfg'), 'csync2');
      assert.equal(languageOf('cluster/other.cfg'), undefined);
      assert.equal(languageOf('cluster/nginx-four-nodes.conf'), undefined);
    });

    it('language configurations: # comments, brackets that pair, regexes that compile', () => {
      for (const l of fragment.languages) {
        const c = readJson<{
          comments: { lineComment: string };
          brackets: [string, string][];
          autoClosingPairs: { open: string; close: string }[];
          surroundingPairs: [string, string][];
          folding: { markers: { start: string; end: string } };
          indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
          wordPattern: string;
        }>(l.configuration);
        assert.equal(c.comments.lineComment, '#');
        assert.ok(c.autoClosingPairs.some((p) => p.open === '"'));
        assert.ok(c.surroundingPairs.some(([o]) => o === '"'));
        assert.doesNotThrow(() => new RegExp(c.wordPattern), c.wordPattern);
        // slapd.conf has no blocks: a directive per line, databases one after another.
        if (l.id === 'slapd') {
          assert.equal(c.brackets, undefined);
          assert.ok(new RegExp(c.wordPattern).test('ldaps://idp1.example.org:1636/'));
          continue;
        }
        assert.ok(c.brackets.some(([o, e]) => o === '{' && e === '}'));
        if (l.id === 'nginx')
          for (const b of ['(', '['])
            assert.ok(
              c.brackets.some(([o]) => o === b),
              b,
            );
        for (const [o] of c.brackets)
          assert.ok(
            c.autoClosingPairs.some((p) => p.open === o),
            `${o} closes itself`,
          );
        assert.ok(c.autoClosingPairs.some((p) => p.open === '"'));
        assert.ok(c.surroundingPairs.some(([o]) => o === '"'));
        for (const re of [
          c.folding.markers.start,
          c.folding.markers.end,
          c.indentationRules.increaseIndentPattern,
          c.indentationRules.decreaseIndentPattern,
          c.wordPattern,
        ]) {
          assert.doesNotThrow(() => new RegExp(re), re);
        }
        assert.ok(new RegExp(c.folding.markers.start).test('    # region upstreams'));
        assert.ok(new RegExp(c.indentationRules.increaseIndentPattern).test('    upstream backend {'));
        assert.ok(!new RegExp(c.indentationRules.increaseIndentPattern).test('    host a; # {'));
        assert.ok(new RegExp(c.indentationRules.decreaseIndentPattern).test('    }'));
      }
    });
  });
});
