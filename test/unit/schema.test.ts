import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { clusterFileSchema } from '../../src/core/config/jsonSchema';
import { parseClusterFile } from '../../src/core/config/parse';
import { FIXTURES, ROOT } from './paths';

/**
 * Rules the JSON Schema cannot express (they compare entries with each other); the validator
 * alone enforces them. Everything else must be decided the same way by both.
 */
const CROSS_ENTRY_CODES = new Set(['primary-count', 'duplicate-host', 'duplicate-address', 'cache-on-lb', 'cache-address']);
const YAML_CODES = /^yaml-/;

describe('JSON Schema', () => {
  const shipped = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'gluu-cluster.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, strictTypes: false });
  const validate = ajv.compile(shipped);

  it('the shipped schema is the one generated from the field description (run `node dist/cli.js schema > schemas/gluu-cluster.schema.json`)', () => {
    assert.deepEqual(shipped, clusterFileSchema());
  });

  it('package.json contributes it for YAML and JSON cluster files', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.ok(
      pkg.contributes.yamlValidation.some(
        (v: { fileMatch: string[]; url: string }) =>
          v.fileMatch.includes('gluu-cluster.yaml') && v.url === './schemas/gluu-cluster.schema.json',
      ),
    );
    assert.ok(
      pkg.contributes.jsonValidation.some(
        (v: { fileMatch: string[]; url: string }) =>
          v.fileMatch.includes('gluu-cluster.json') && v.url === './schemas/gluu-cluster.schema.json',
      ),
    );
  });

  const corpus = (['good', 'bad'] as const).flatMap((kind) =>
    readdirSync(path.join(FIXTURES, 'cluster-files', kind)).map((f) => ({
      kind,
      f,
      text: readFileSync(path.join(FIXTURES, 'cluster-files', kind, f), 'utf8'),
    })),
  );

  // Files that are not valid YAML give the schema no value to judge; they are tested in config.validate.test.
  const yamlOk = corpus.filter(({ text }) => !parseClusterFile(text).problems.some((p) => YAML_CODES.test(p.code)));
  it('the agreement corpus holds most of the fixtures', () => assert.ok(yamlOk.length >= corpus.length - 2));

  for (const { kind, f, text } of yamlOk) {
    it(`agrees with the validator on ${kind}/${f}`, () => {
      const r = parseClusterFile(text);
      const codes = r.problems.filter((p) => p.severity === 'error').map((p) => p.code);
      const value = parseYaml(text) ?? null;
      const schemaOk = validate(value);
      const structural = codes.filter((c) => !CROSS_ENTRY_CODES.has(c));
      if (kind === 'good') assert.equal(schemaOk, true, JSON.stringify(validate.errors));
      // Same verdict on structure: the schema rejects exactly when the validator finds a structural error.
      assert.equal(
        !schemaOk,
        structural.length > 0,
        `schema ${schemaOk ? 'accepts' : 'rejects'}; validator: ${codes.join(', ') || 'no errors'}; ajv: ${JSON.stringify(validate.errors)}`,
      );
    });
  }

  it('covers every structural rule and every cross-entry rule in the corpus', () => {
    const seen = new Set(corpus.flatMap(({ text }) => parseClusterFile(text).problems.map((p) => p.code)));
    for (const code of ['unknown-key', 'secret-key', 'format', 'range', 'type', 'enum', 'required', 'min-items', ...CROSS_ENTRY_CODES]) {
      assert.ok(seen.has(code), `corpus has a file for rule ${code}`);
    }
  });
});
