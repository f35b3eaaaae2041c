import * as assert from 'node:assert/strict';
import { closestMatch, editDistance } from '../../src/core/config/suggest';

describe('did-you-mean', () => {
  it('measures edit distance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('Host', 'host'), 0);
    assert.equal(editDistance('', 'abc'), 3);
  });
  it('suggests only plausible typos', () => {
    assert.equal(closestMatch('adress', ['host', 'address', 'primary']), 'address');
    assert.equal(closestMatch('primery', ['host', 'address', 'primary']), 'primary');
    assert.equal(closestMatch('zzz', ['host', 'address', 'primary']), undefined);
    assert.equal(closestMatch('loadbalancer', ['loadBalancer', 'nodes']), 'loadBalancer');
  });
});
