/**
 * Generates the JSON Schema (draft-07) for the cluster file from fields.ts. The generated file
 * ships in schemas/ and is contributed through yamlValidation / jsonValidation; a unit test
 * fails when the committed file is out of date (`node dist/cli.js schema > schemas/...`).
 */
import { CLUSTER_FILE_FIELD, FORMATS, SECRET_KEY_PATTERN, type Field, type FormatName } from './fields';

type Schema = Record<string, unknown>;

function formatSchema(format: FormatName | FormatName[]): Schema {
  const list = Array.isArray(format) ? format : [format];
  return list.length === 1 ? { pattern: FORMATS[list[0]] } : { anyOf: list.map((f) => ({ pattern: FORMATS[f] })) };
}

export function fieldSchema(field: Field): Schema {
  const base: Schema = { description: field.description };
  switch (field.kind) {
    case 'string':
      return {
        ...base,
        type: 'string',
        ...(field.enum ? { enum: [...field.enum] } : {}),
        ...(field.format ? formatSchema(field.format) : {}),
        ...(field.default !== undefined ? { default: field.default } : {}),
      };
    case 'integer':
      return {
        ...base,
        type: 'integer',
        minimum: field.minimum,
        maximum: field.maximum,
        ...(field.default !== undefined ? { default: field.default } : {}),
      };
    case 'boolean':
      return { ...base, type: 'boolean', ...(field.default !== undefined ? { default: field.default } : {}) };
    case 'array':
      return {
        ...base,
        type: 'array',
        items: fieldSchema(field.items),
        ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
        ...(field.maxItems !== undefined ? { maxItems: field.maxItems } : {}),
        ...(field.default !== undefined ? { default: [...field.default] } : {}),
      };
    case 'object':
      return {
        ...base,
        type: 'object',
        properties: Object.fromEntries(Object.entries(field.fields).map(([k, f]) => [k, fieldSchema(f)])),
        ...(field.required?.length ? { required: [...field.required] } : {}),
        additionalProperties: false,
      };
  }
}

export function clusterFileSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://gluu-cluster.invalid/schemas/gluu-cluster.schema.json',
    title: 'Gluu Cluster file (gluu-cluster.yaml)',
    ...fieldSchema(CLUSTER_FILE_FIELD),
    // Editors show this text for a password-like key; the extension's own validator says more.
    $comment: `Keys matching ${SECRET_KEY_PATTERN.source} are refused: passwords live in the editor's secret storage.`,
  };
}
