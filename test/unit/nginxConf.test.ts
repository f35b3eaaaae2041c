import * as assert from 'node:assert/strict';
import { readNginxConf } from '../../src/core/render/nginxConf';

const names = (text: string) => readNginxConf(text).directives.map((d) => [d.name.value, ...d.args.map((a) => a.value)]);

describe('reading an nginx.conf as nginx does', () => {
  it('splits statements at ";" and "{", several on a line, and knows the blocks they are in', () => {
    const r = readNginxConf('events {}\nhttp { server { listen 80; location /a { return 204; } } }\n');
    assert.equal(r.error, undefined);
    assert.deepEqual(
      r.directives.map((d) => [d.name.value, d.context.join('>'), d.name.line]),
      [
        ['events', '', 0],
        ['http', '', 1],
        ['server', 'http', 1],
        ['listen', 'http>server', 1],
        ['location', 'http>server', 1],
        ['return', 'http>server>location', 1],
      ],
    );
  });

  it('unquotes and unescapes words, and keeps "}" and "${" inside a word', () => {
    assert.deepEqual(names(`"load_module" 'a b' "x\\"y" a\\;b c}d \${var}x;\n`), [
      ['load_module', 'a b', 'x"y', 'a\\;b', 'c}d', '${var}x'],
    ]);
    assert.deepEqual(names('a "x\\ty\\e";'), [['a', 'x\ty\\e']]);
  });

  it('skips comments from the start of a word only', () => {
    assert.deepEqual(names('# load_module /x.so;\na b#c; # d\n'), [['a', 'b#c']]);
  });

  it('counts lines inside quoted words, and gives each word its offsets', () => {
    const text = 'a "b\nc" d;\ne;\n';
    const r = readNginxConf(text);
    assert.deepEqual(
      r.directives.map((d) => d.name.line),
      [0, 2],
    );
    const b = r.directives[0].args[0];
    assert.equal(text.slice(b.start, b.end), '"b\nc"');
    assert.equal(r.directives[0].args[1].line, 1);
  });

  it('stops where nginx stops: an unexpected "}", ";" or end of file', () => {
    assert.match(readNginxConf('}\nload_module /x.so;\n').error!.message, /unexpected "}"/);
    assert.equal(readNginxConf('a;\n;\n').error!.line, 1);
    assert.match(readNginxConf('http {\n').error!.message, /expecting "}"/);
    assert.match(readNginxConf('a b').error!.message, /expecting ";" or "}"/);
    assert.match(readNginxConf('a "b"c;').error!.message, /unexpected "c"/);
  });
});
