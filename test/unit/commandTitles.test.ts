import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { commandTitles } from '../../src/vscode/commands/titles';
import { ROOT } from './paths';

describe('command titles for failure messages', () => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const nls = JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));

  it('names every contributed command by its title from package.nls.json, without a trailing ellipsis', () => {
    const titles = commandTitles(manifest, nls);
    assert.equal(titles.get('gluuCluster.runStep'), 'Run Step');
    assert.equal(titles.get('gluuCluster.runAllRemaining'), 'Run All Remaining Steps');
    assert.equal(titles.get('gluuCluster.copyHost'), 'Copy Host Name');
    for (const c of manifest.contributes.commands as { command: string }[]) {
      const t = titles.get(c.command);
      assert.ok(t, `${c.command} has a title`);
      assert.doesNotMatch(t, /^%|%$|…$|gluuCluster\./, c.command);
    }
  });

  it('takes a localized message file as it comes, and plain titles as they are', () => {
    const titles = commandTitles(
      {
        contributes: {
          commands: [
            { command: 'a', title: '%a%' },
            { command: 'b', title: 'Plain…' },
            { command: 'c', title: '%missing%' },
          ],
        },
      },
      { a: { message: 'Schritt ausführen…' } },
    );
    assert.deepEqual(
      [...titles],
      [
        ['a', 'Schritt ausführen'],
        ['b', 'Plain'],
      ],
    );
  });
});
