import * as assert from 'node:assert/strict';
import { LineMasker, Masker } from '../../src/core/run/secrets';

describe('secret masking', () => {
  const masker = new Masker();
  masker.add(`p@ss! w'rd`);
  it('masks a value and its shell-quoted form', () => {
    assert.equal(masker.mask(`pw=p@ss! w'rd; cmd 'p@ss! w'\\''rd'`), 'pw=••••; cmd ••••');
  });
  it('masks a secret split across chunks of a stream', () => {
    const seen: string[] = [];
    const s = new LineMasker(
      (t) => masker.mask(t),
      (t) => seen.push(t),
    );
    for (const c of ['first line\nthe pw is p@s', 's! w', "'rd and more\nlast"]) s.write(c);
    s.end();
    assert.deepEqual(seen, ['first line\n', 'the pw is •••• and more\n', 'last']);
    assert.ok(!seen.join('').includes('p@ss'));
  });
});
