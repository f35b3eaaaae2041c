/**
 * oxIDPAuthentication: a multi-valued attribute, each value JSON whose `config` member holds the
 * LDAP server settings oxAuth authenticates against. Gluu 3.1.x stores `config` as a JSON string
 * inside the JSON (and `useSSL` as the string "true"); 4.x stores an object. A value is decoded
 * into one shape for editing and encoded back in the form it was read in.
 */
import { errorsFirst, serverProblem, type FieldProblem } from './cacheConfig';
import { parseJsonObject } from './json';
import type { ConfigForm, IdpValueView } from './protocol';

/** The value for editing, `config` decoded whatever form it had. */
export function decodeIdp(raw: string): IdpValueView {
  const outer = parseJsonObject(raw);
  if (outer.problem) return { raw, configForm: 'absent', error: outer.problem.message };
  const config = outer.value.config;
  if (typeof config === 'string') {
    const inner = parseJsonObject(config);
    if (inner.problem)
      return { raw, configForm: 'string', error: `its "config" member (a JSON string) is not valid JSON: ${inner.problem.message}` };
    return { raw, configForm: 'string', decoded: { ...outer.value, config: inner.value } };
  }
  if (config !== null && typeof config === 'object' && !Array.isArray(config)) return { raw, configForm: 'object', decoded: outer.value };
  return { raw, configForm: 'absent', decoded: outer.value };
}

function innerOf(decoded: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const c = decoded?.config;
  return c !== null && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : undefined;
}

/**
 * The stored text of an edited value: `config` back in the form it was read in, and each of its
 * members that was a string ("true", "1000") written as a string again.
 */
export function encodeIdp(decoded: Record<string, unknown>, original: Pick<IdpValueView, 'configForm' | 'decoded'>): string {
  const inner = innerOf(decoded);
  if (!inner || original.configForm === 'absent') return JSON.stringify(decoded);
  const before = innerOf(original.decoded) ?? {};
  const typed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inner)) {
    typed[k] = typeof before[k] === 'string' && (typeof v === 'boolean' || typeof v === 'number') ? String(v) : v;
  }
  return JSON.stringify({ ...decoded, config: original.configForm === 'string' ? JSON.stringify(typed) : typed });
}

const FORM_WORDS: Record<ConfigForm, string> = {
  string: 'config stored as a JSON string (Gluu 3.1.x)',
  object: 'config stored as an object (Gluu 4.x)',
  absent: 'no config member',
};
export const describeConfigForm = (f: ConfigForm): string => FORM_WORDS[f];

/** "true" / true / "false" / false as a boolean; undefined when it is neither. */
export function flag(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** Problems of a decoded value's config. */
export function idpProblems(decoded: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const c = innerOf(decoded);
  if (!c) return problems;
  const servers = c.servers;
  if (servers !== undefined) {
    if (!Array.isArray(servers) || servers.some((s) => typeof s !== 'string')) {
      problems.push({ path: ['config', 'servers'], message: 'servers is a list of "host:port" strings', severity: 'error' });
    } else {
      if (servers.length === 0)
        problems.push({ path: ['config', 'servers'], message: 'at least one server (host:port) is needed', severity: 'error' });
      for (const s of servers as string[]) {
        const p = serverProblem(s);
        if (p) problems.push({ path: ['config', 'servers'], message: p, severity: 'error' });
      }
    }
  }
  const max = c.maxConnections;
  if (max !== undefined && !(Number.isInteger(Number(max)) && Number(max) > 0))
    problems.push({ path: ['config', 'maxConnections'], message: 'maxConnections is a whole number above 0', severity: 'error' });
  for (const k of ['useSSL', 'enabled', 'useAnonymousBind']) {
    if (c[k] !== undefined && flag(c[k]) === undefined)
      problems.push({ path: ['config', k], message: `${k} is true or false`, severity: 'error' });
  }
  if (c.baseDNs !== undefined && (!Array.isArray(c.baseDNs) || c.baseDNs.some((d) => typeof d !== 'string' || d.trim() === ''))) {
    problems.push({ path: ['config', 'baseDNs'], message: 'baseDNs is a list of DNs', severity: 'error' });
  }
  if (flag(c.useSSL) === false && Array.isArray(servers) && servers.some((s) => typeof s === 'string' && s.endsWith(':1636'))) {
    problems.push({ path: ['config', 'useSSL'], message: 'useSSL is off but a server uses the LDAPS port 1636', severity: 'warning' });
  }
  return errorsFirst(problems);
}
