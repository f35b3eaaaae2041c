/**
 * The generated files are one list (core/plan/generated.ts), and the folder of the user's copies
 * is a setting, not a constant: the plan's texts, the preview and the CLI follow both.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { Action, UploadAction } from '../../src/core/plan/actions';
import { findStep } from '../../src/core/plan/catalogue';
import { DEFAULT_GENERATED_FOLDER, GENERATED_FILES, generatedFile } from '../../src/core/plan/generated';
import { generateFiles, planInput, renderPlan, renderStep } from '../../src/core/plan/plan';
import { formatPlan } from '../../src/core/plan/preview';
import { cli } from './cliRun';
import { ROOT } from './paths';

const config = () => parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
/** The example cluster with OpenLDAP: where the OpenLDAP replication file is pushed. */
const openldap = () => parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('ldap: opendj', 'ldap: openldap')).config!;
/** A cluster the file's step applies to (the OpenLDAP file only to OpenLDAP clusters). */
const configFor = (step: string) => (findStep(step)!.ldap === 'openldap' ? openldap() : config());
const uploads = (actions: Action[]) => actions.filter((a): a is UploadAction => a.kind === 'upload' && a.generated !== undefined);

describe('the generated files', () => {
  it('are each pushed by the step the list names, from the user copy when there is one', () => {
    for (const f of GENERATED_FILES) {
      const edited = '# edited\n';
      const p = renderStep(f.step, planInput(configFor(f.step), { [f.fileName]: edited }));
      assert.equal(p.resolved.skipReason, undefined, f.step);
      const pushed = uploads([...p.before, ...p.targets.flatMap((t) => t.actions), ...p.after]);
      // Once, or once per node (the OpenLDAP file goes to every node): always the user's copy.
      assert.ok(pushed.length >= 1, f.step);
      assert.deepEqual(
        [...new Set(pushed.map((a) => JSON.stringify([a.generated!.fileName, a.content.join('')])))],
        [JSON.stringify([f.fileName, edited])],
        f.step,
      );
    }
    // And no other step pushes one, with either LDAP.
    for (const cfg of [config(), openldap()]) {
      const others = renderPlan(planInput(cfg)).filter((p) => !GENERATED_FILES.some((f) => f.step === p.step.id));
      assert.deepEqual(
        others.flatMap((p) => uploads([...p.before, ...p.targets.flatMap((t) => t.actions), ...p.after])),
        [],
      );
    }
  });

  it('are the languages the manifest contributes for those file names', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const escape = (t: string) => t.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    const glob = (p: string) =>
      new RegExp(
        `^${p
          .split('**/')
          .map((part) => part.split('*').map(escape).join('[^/]*'))
          .join('(?:.*/)?')}$`,
      );
    for (const f of GENERATED_FILES) {
      const language: { filenames?: string[]; filenamePatterns?: string[] } | undefined = manifest.contributes.languages.find(
        (l: { id: string }) => l.id === f.language,
      );
      const matches = [
        ...(language?.filenames ?? []).filter((n) => n === f.fileName),
        ...(language?.filenamePatterns ?? []).filter((p) => glob(p).test(f.fileName)),
      ];
      assert.ok(matches.length, `${f.fileName} is language ${f.language} in package.json`);
    }
  });

  it('are found by file name in a path', () => {
    assert.equal(generatedFile('/w/gen/nginx.conf')?.name, 'nginx');
    assert.equal(generatedFile('csync2.cfg')?.name, 'csync2');
    assert.equal(generatedFile('/w/gen/nginx.conf.bak'), undefined);
  });

  it("the plan and its preview name the folder of the user's copies, the default one or another", () => {
    for (const f of GENERATED_FILES) {
      const cfg = configFor(f.step);
      const fresh = formatPlan(cfg, renderPlan(planInput(cfg)));
      assert.ok(fresh.includes(`${DEFAULT_GENERATED_FOLDER}/${f.fileName} `), f.fileName);
      const other = formatPlan(cfg, renderPlan(planInput(cfg, {}, 'ops/gluu/')));
      assert.ok(other.includes(`(the workspace file ops/gluu/${f.fileName} when present)`), f.fileName);
      assert.ok(other.includes(`(ops/gluu/${f.fileName} in the workspace when present)`), f.fileName);
    }
    const other = formatPlan(config(), renderPlan(planInput(config(), {}, 'ops/gluu/')));
    assert.doesNotMatch(other, /\bcluster\/(nginx\.conf|csync2\.cfg)/);
  });

  it('the preview shows the content of every generated file it will push, as it will be pushed', () => {
    const nginx = '# edited\nevents {}\nhttp {}\n';
    const csync2 = 'group gluucluster\n{\n    host evil.example.net;\n}\n';
    const text = formatPlan(config(), renderPlan(planInput(config(), { 'nginx.conf': nginx, 'csync2.cfg': csync2 })));
    assert.ok(
      text.includes(
        '# content: the generated nginx.conf (cluster/nginx.conf in the workspace when present), 3 lines, exactly as pushed:\n# ```nginx\n#   | # edited\n#   | events {}\n#   | http {}\n# ```\n',
      ),
      text,
    );
    assert.ok(text.includes('# ```csync2\n#   | group gluucluster\n#   | {\n#   |     host evil.example.net;\n#   | }\n# ```\n'), text);
    // A terminal never gets the file's control characters: they could hide lines of it.
    const hidden = formatPlan(config(), renderPlan(planInput(config(), { 'nginx.conf': 'events {}\x1b[2K\r# looks fine\n' })));
    assert.ok(hidden.includes('#   | events {}\\x1b[2K\\x0d# looks fine\n'), hidden);
  });

  describe('in the CLI', () => {
    let dir: string;
    let file: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'gluu-generated-'));
      file = path.join(dir, 'gluu-cluster.yaml');
      writeFileSync(file, EXAMPLE_CLUSTER_FILE);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const copy = (folder: string, name: string, lines: number) => {
      mkdirSync(path.join(dir, folder), { recursive: true });
      writeFileSync(path.join(dir, folder, name), '# edited\n'.repeat(lines));
    };

    it('plan reads the copies from "cluster" beside the cluster file by default, whatever the working directory', () => {
      copy('cluster', 'nginx.conf', 3);
      const r = cli('plan', '--step', 'nginx', '--config', file);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /# content: the generated nginx\.conf \(cluster\/nginx\.conf in the workspace when present\), 3 lines/);
    });

    it('plan reads them from --generated-folder, relative to the cluster file, and names that folder', () => {
      copy('cluster', 'nginx.conf', 3);
      copy('ops', 'nginx.conf', 5);
      copy('ops', 'csync2.cfg', 7);
      const r = cli('plan', '--config', file, '--generated-folder', 'ops');
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /# 5\. stage nginx\.conf \(the workspace file ops\/nginx\.conf when present\)/);
      assert.match(r.out, /# content: the generated nginx\.conf \(ops\/nginx\.conf in the workspace when present\), 5 lines/);
      assert.match(r.out, /# content: the generated csync2\.cfg \(ops\/csync2\.cfg in the workspace when present\), 7 lines/);
      assert.doesNotMatch(r.out, /cluster\/nginx\.conf/);
    });

    it('render prints each file of the list, and its help names the option', () => {
      for (const f of GENERATED_FILES) {
        const r = cli('render', f.name, '--config', file);
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, generateFiles(config())[f.fileName]);
      }
      assert.equal(cli('render', 'hosts', '--config', file).code, 2);
      assert.match(cli('--help').out, /--generated-folder DIR .*\n.*\(default: cluster; relative to the\n\s+cluster file's folder\)/);
      assert.equal(cli('plan', '--config', file, '--generated-dir', 'ops').code, 2, 'the old name is gone');
    });
  });
});
