/**
 * OpenDJ 3.0's command-line grammar for the tools the plan runs, as a table: every option a test
 * accepts, whether it takes a value, which options exclude each other and which are required,
 * each row naming the source file it was read from. Every option the plan uses is in
 * /work/shared/reference/opendj-3.0/CLI-FACTS.md (read from OpenIdentityPlatform/OpenDJ tag 3.0.0
 * and GluuFederation/OpenDJ-SDK tag 3.0.0). Rows marked "(3.0.0 source)" were read from that tag's
 * file where CLI-FACTS.md does not list them (ldapsearch, enable options the plan does not use).
 * The SDK's shared options the plan does not use (trust and key stores, SASL, timeouts) were read
 * from opendj-cli's CommonArguments, ArgumentConstants and ConnectionFactoryProvider as merged into
 * OpenIdentityPlatform/OpenDJ in April 2016, just after 3.0.0. An option missing here is reported
 * as unknown: add its row, with its source, only after reading it there.
 */

const RCAP = 'opendj-server-legacy/…/tools/dsreplication/ReplicationCliArgumentParser.java';
const SCCA = 'opendj-server-legacy/…/admin/client/cli/SecureConnectionCliArgs.java';
const CA = 'opendj-cli/…/cli/CommonArguments.java (OpenDJ-SDK)';
const CFP = 'opendj-cli/…/cli/ConnectionFactoryProvider.java (OpenDJ-SDK)';
const DSCONFIG = 'opendj-config/…/dsconfig/DSConfig.java';
const SETPROP = 'opendj-config/…/dsconfig/SetPropSubCommandHandler.java';
const GETPROP = 'opendj-config/…/dsconfig/GetPropSubCommandHandler.java + SubCommandHandler.java';
const NAMING = 'opendj-config/…/dsconfig/SubCommandHandler.java + CLIProfile.java (naming argument)';
const LDAPSEARCH = 'opendj-server-legacy/…/tools/LDAPSearch.java (3.0.0 source)';

export interface OptionRow {
  /** Long name as OpenDJ spells it; matched without regard to case. */
  long: string;
  short?: string;
  /** Takes a value (the next word, or after `=`); otherwise a flag. */
  value: boolean;
  repeatable?: boolean;
  /** What a value must look like, when the tool checks it. */
  values?: RegExp;
  source: string;
}

export interface SubcommandRow {
  options: OptionRow[];
  /** Each group needs one of its options (non-interactive, -n). */
  required?: string[][];
  /** Pairs the tool refuses together. */
  excludes?: [string, string][];
  /** Global options this subcommand refuses. */
  rejects?: string[];
  /** For dsconfig set/get-prop: the properties known for the component, and how a --set value looks. */
  properties?: Record<string, RegExp>;
  source: string;
}

export interface ToolGrammar {
  globals: OptionRow[];
  /** Absent: the tool has no subcommands (ldapsearch). */
  subcommands?: Record<string, SubcommandRow>;
  excludes: [string, string][];
  /** Required of every invocation that has -n (dsreplication) or always (ldapsearch). */
  required?: (sub: string | undefined, present: Set<string>) => string[][];
  /** Words after the options: none for subcommand tools; filter then attributes for ldapsearch. */
  trailing?: { min: number; source: string };
  /** Checks across values (e.g. a server paired with itself). */
  semantic?: (sub: string | undefined, values: Map<string, string[]>) => string[];
}

const PORT = /^\d{1,5}$/;
const BOOL = /^(true|false)$/;
const DN = /^[A-Za-z][\w.-]*=[^,]+(,[A-Za-z][\w.-]*=[^,]+)*$/;
const ADDRESS = /^[0-9A-Fa-f:.]+$/;

const o = (long: string, short: string | undefined, value: boolean, source: string, extra: Partial<OptionRow> = {}): OptionRow => ({
  long,
  ...(short ? { short } : {}),
  value,
  source,
  ...extra,
});

const server = (
  n: 1 | 2,
  host: string | undefined,
  port: string | undefined,
  bindDN: string | undefined,
  pwFile: string | undefined,
  repl: string,
) => [
  o(`host${n}`, host, true, RCAP),
  o(`port${n}`, port, true, RCAP, { values: PORT }),
  o(`bindDN${n}`, bindDN, true, RCAP, { values: DN }),
  o(`bindPassword${n}`, undefined, true, RCAP),
  o(`bindPasswordFile${n}`, pwFile, true, RCAP),
  o(`replicationPort${n}`, repl, true, RCAP, { values: PORT }),
  o(`secureReplication${n}`, undefined, false, RCAP),
  o(`noReplicationServer${n}`, undefined, false, `${RCAP} (3.0.0 source)`),
  o(`onlyReplicationServer${n}`, undefined, false, `${RCAP} (3.0.0 source)`),
];

export const DSREPLICATION: ToolGrammar = {
  globals: [
    o('baseDN', 'b', true, RCAP, { repeatable: true, values: DN }),
    o('adminUID', 'I', true, RCAP),
    o('adminPassword', 'w', true, RCAP),
    o('adminPasswordFile', 'j', true, RCAP),
    o('quiet', 'Q', false, `${RCAP}; ${CA}`),
    o('no-prompt', 'n', false, `${RCAP}; ${CA}`),
    o('displayCommand', undefined, false, `${RCAP}; ${CA}`),
    o('commandFilePath', undefined, true, `${RCAP}; ${CA}`),
    o('advanced', undefined, false, `${RCAP}; ${CA}`),
    o('propertiesFilePath', undefined, true, `${RCAP}; ${CA}`),
    o('noPropertiesFile', undefined, false, `${RCAP}; ${CA}`),
    o('trustAll', 'X', false, `${SCCA}; ${CA}`),
    o('trustStorePath', 'P', true, SCCA),
    o('trustStorePassword', 'T', true, SCCA),
    o('trustStorePasswordFile', 'U', true, SCCA),
    o('keyStorePath', 'K', true, SCCA),
    o('keyStorePassword', 'W', true, SCCA),
    o('keyStorePasswordFile', 'u', true, SCCA),
    o('certNickname', 'N', true, SCCA),
    o('connectTimeout', undefined, true, SCCA, { values: /^\d+$/ }),
    o('help', 'H', false, `${SCCA}; ${CA}`),
  ],
  subcommands: {
    enable: {
      options: [
        ...server(1, 'h', 'p', 'D', undefined, 'r'),
        ...server(2, 'O', undefined, undefined, 'F', 'R'),
        o('skipPortCheck', 'S', false, `${RCAP} (3.0.0 source)`),
        o('noSchemaReplication', undefined, false, `${RCAP} (3.0.0 source)`),
        o('useSecondServerAsSchemaSource', undefined, false, `${RCAP} (3.0.0 source)`),
      ],
      excludes: [
        ['bindPassword1', 'bindPasswordFile1'],
        ['bindPassword2', 'bindPasswordFile2'],
        ['replicationPort1', 'noReplicationServer1'],
        ['noReplicationServer1', 'onlyReplicationServer1'],
        ['replicationPort2', 'noReplicationServer2'],
        ['noReplicationServer2', 'onlyReplicationServer2'],
        ['noSchemaReplication', 'useSecondServerAsSchemaSource'],
      ],
      source: `${RCAP} createEnableReplicationSubCommand, createServerArgs1/2, validateEnableReplicationOptions`,
    },
    initialize: {
      options: [
        o('hostSource', 'h', true, RCAP),
        o('portSource', 'p', true, RCAP, { values: PORT }),
        o('hostDestination', 'O', true, RCAP),
        o('portDestination', undefined, true, RCAP, { values: PORT }),
      ],
      source: `${RCAP} createInitializeReplicationSubCommand, createRelatedServersOptions`,
    },
    status: {
      options: [o('hostname', 'h', true, SCCA), o('port', 'p', true, SCCA, { values: PORT }), o('script-friendly', 's', false, RCAP)],
      rejects: ['quiet'],
      source: `${RCAP} createStatusReplicationSubCommand, validateStatusReplicationOptions`,
    },
    disable: {
      options: [
        o('hostname', 'h', true, SCCA),
        o('port', 'p', true, SCCA, { values: PORT }),
        o('bindDN', 'D', true, RCAP, { values: DN }),
        o('disableReplicationServer', undefined, false, RCAP),
        o('disableAll', 'a', false, RCAP),
      ],
      excludes: [
        ['adminUID', 'bindDN'],
        ['disableAll', 'disableReplicationServer'],
        ['disableAll', 'baseDN'],
      ],
      source: `${RCAP} createDisableReplicationSubCommand, validateDisableReplicationOptions`,
    },
    'pre-external-initialization': {
      options: [o('hostname', 'h', true, SCCA), o('port', 'p', true, SCCA, { values: PORT })],
      source: `${RCAP} createPreExternalInitializationSubCommand`,
    },
    'post-external-initialization': {
      options: [o('hostname', 'h', true, SCCA), o('port', 'p', true, SCCA, { values: PORT })],
      source: `${RCAP} createPostExternalInitializationSubCommand`,
    },
  },
  excludes: [['adminPassword', 'adminPasswordFile']],
  // RCAP validateGlobalOptions: non-interactive, a base DN (but for status and a disable of
  // everything or of the replication server) and the admin password are required.
  required: (sub, present) => {
    if (!present.has('no-prompt')) return [];
    const groups = [['adminPassword', 'adminPasswordFile']];
    if (sub !== 'status' && !present.has('disableAll') && !present.has('disableReplicationServer')) groups.push(['baseDN']);
    return groups;
  },
  // RCAP validateEnableReplicationOptions / validateInitializeReplicationOptions: a server is not paired with itself.
  semantic: (sub, v) => {
    const same = (a: string, b: string, pa: string, pb: string) =>
      v.get(a)?.[0] !== undefined &&
      v.get(a)?.[0]?.toLowerCase() === v.get(b)?.[0]?.toLowerCase() &&
      (v.get(pa)?.[0] ?? '4444') === (v.get(pb)?.[0] ?? '4444');
    if (sub === 'enable' && same('host1', 'host2', 'port1', 'port2')) return ['enable pairs a server with itself'];
    if (sub === 'initialize' && same('hostSource', 'hostDestination', 'portSource', 'portDestination'))
      return ['initialize copies a server onto itself'];
    return [];
  },
};

const setProp = (properties: Record<string, RegExp>, naming?: OptionRow): SubcommandRow => ({
  options: [
    ...(naming ? [naming] : []),
    o('set', undefined, true, SETPROP, { repeatable: true }),
    o('add', undefined, true, SETPROP, { repeatable: true }),
    o('remove', undefined, true, SETPROP, { repeatable: true }),
    o('reset', undefined, true, SETPROP, { repeatable: true }),
  ],
  ...(naming ? { required: [[naming.long]] } : {}),
  properties,
  source: `${SETPROP}; properties: CLI-FACTS.md (dsconfig)`,
});
const getProp = (properties: Record<string, RegExp>, naming?: OptionRow): SubcommandRow => ({
  options: [
    ...(naming ? [naming] : []),
    o('property', undefined, true, GETPROP, { repeatable: true }),
    o('record', 'E', false, GETPROP),
    o('unit-size', 'z', true, GETPROP),
    o('unit-time', 'm', true, GETPROP),
  ],
  ...(naming ? { required: [[naming.long]] } : {}),
  properties,
  source: `${GETPROP}; properties: CLI-FACTS.md (dsconfig)`,
});
const handlerName = o('handler-name', undefined, true, NAMING);

export const DSCONFIG_GRAMMAR: ToolGrammar = {
  globals: [
    o('hostname', 'h', true, CFP),
    o('port', 'p', true, CFP, { values: PORT }),
    o('bindDN', 'D', true, CFP, { values: DN }),
    o('bindPassword', 'w', true, CFP),
    o('bindPasswordFile', 'j', true, CFP),
    o('trustAll', 'X', false, `${CFP}; ${CA}`),
    o('trustStorePath', 'P', true, CFP),
    o('trustStorePassword', 'T', true, CFP),
    o('trustStorePasswordFile', 'U', true, CFP),
    o('keyStorePath', 'K', true, CFP),
    o('keyStorePassword', 'W', true, CFP),
    o('keyStorePasswordFile', 'u', true, CFP),
    o('certNickname', 'N', true, CFP),
    o('saslOption', 'o', true, CFP, { repeatable: true }),
    o('connectTimeout', undefined, true, CFP, { values: /^\d+$/ }),
    o('verbose', 'v', false, `${DSCONFIG}; ${CA}`),
    o('quiet', 'Q', false, `${DSCONFIG}; ${CA}`),
    o('script-friendly', 's', false, `${DSCONFIG}; ${CA}`),
    o('no-prompt', 'n', false, `${DSCONFIG}; ${CA}`),
    o('advanced', undefined, false, `${DSCONFIG}; ${CA}`),
    o('help', 'H', false, `${DSCONFIG}; ${CA}`),
    o('batch', undefined, false, DSCONFIG),
    o('batchFilePath', 'F', true, DSCONFIG),
    o('displayCommand', undefined, false, DSCONFIG),
    o('commandFilePath', undefined, true, DSCONFIG),
    o('propertiesFilePath', undefined, true, DSCONFIG),
    o('noPropertiesFile', undefined, false, DSCONFIG),
  ],
  subcommands: {
    'set-administration-connector-prop': setProp({ 'listen-address': ADDRESS }),
    'get-administration-connector-prop': getProp({ 'listen-address': ADDRESS }),
    'set-connection-handler-prop': setProp({ enabled: BOOL, 'listen-address': ADDRESS }, handlerName),
    'get-connection-handler-prop': getProp({ enabled: BOOL, 'listen-address': ADDRESS }, handlerName),
    'set-crypto-manager-prop': setProp({ 'ssl-encryption': BOOL }),
    'get-crypto-manager-prop': getProp({ 'ssl-encryption': BOOL }),
  },
  // CLI-FACTS.md parser rules: -w excludes -j; -s excludes -v.
  excludes: [
    ['bindPassword', 'bindPasswordFile'],
    ['script-friendly', 'verbose'],
  ],
};

export const LDAPSEARCH_GRAMMAR: ToolGrammar = {
  globals: [
    o('hostname', 'h', true, LDAPSEARCH),
    o('port', 'p', true, LDAPSEARCH, { values: PORT }),
    o('useSSL', 'Z', false, LDAPSEARCH),
    o('useStartTLS', 'q', false, LDAPSEARCH),
    o('bindDN', 'D', true, LDAPSEARCH, { values: DN }),
    o('bindPassword', 'w', true, LDAPSEARCH),
    o('bindPasswordFile', 'j', true, LDAPSEARCH),
    o('baseDN', 'b', true, LDAPSEARCH, { values: DN }),
    o('searchScope', 's', true, LDAPSEARCH, { values: /^(base|one|sub|subordinate)$/ }),
    o('trustAll', 'X', false, LDAPSEARCH),
    o('dontWrap', 'T', false, LDAPSEARCH),
    o('sizeLimit', 'z', true, LDAPSEARCH, { values: /^\d+$/ }),
    o('timeLimit', 'l', true, LDAPSEARCH, { values: /^\d+$/ }),
    o('countEntries', undefined, false, LDAPSEARCH),
    o('continueOnError', 'c', false, LDAPSEARCH),
    o('dry-run', 'n', false, LDAPSEARCH),
    o('verbose', 'v', false, LDAPSEARCH),
    o('help', 'H', false, LDAPSEARCH),
    o('propertiesFilePath', undefined, true, LDAPSEARCH),
    o('noPropertiesFile', undefined, false, LDAPSEARCH),
  ],
  excludes: [
    ['bindPassword', 'bindPasswordFile'],
    ['useSSL', 'useStartTLS'],
  ],
  required: () => [['baseDN']],
  trailing: { min: 1, source: `${LDAPSEARCH}: the filter, then attributes` },
};

const LDAPMODIFY = 'opendj-server-legacy/…/tools/LDAPModify.java (OpenIdentityPlatform/OpenDJ after 3.0.0: the same options as 3.0)';

/** The options the health check's probe uses, and those next to them in the tool's parser. */
export const LDAPMODIFY_GRAMMAR: ToolGrammar = {
  globals: [
    o('hostname', 'h', true, LDAPMODIFY),
    o('port', 'p', true, LDAPMODIFY, { values: PORT }),
    o('useSSL', 'Z', false, LDAPMODIFY),
    o('useStartTLS', 'q', false, LDAPMODIFY),
    o('bindDN', 'D', true, LDAPMODIFY, { values: DN }),
    o('bindPassword', 'w', true, LDAPMODIFY),
    o('bindPasswordFile', 'j', true, LDAPMODIFY),
    o('defaultAdd', 'a', false, LDAPMODIFY),
    o('filename', 'f', true, LDAPMODIFY),
    o('trustAll', 'X', false, LDAPMODIFY),
    o('continueOnError', 'c', false, LDAPMODIFY),
    o('dry-run', 'n', false, LDAPMODIFY),
    o('verbose', 'v', false, LDAPMODIFY),
    o('help', 'H', false, LDAPMODIFY),
  ],
  excludes: [
    ['bindPassword', 'bindPasswordFile'],
    ['useSSL', 'useStartTLS'],
  ],
};

export const GRAMMARS: Record<string, ToolGrammar> = {
  dsreplication: DSREPLICATION,
  dsconfig: DSCONFIG_GRAMMAR,
  ldapsearch: LDAPSEARCH_GRAMMAR,
  ldapmodify: LDAPMODIFY_GRAMMAR,
};

/**
 * What is wrong with one invocation (`args` without the program), by the tool's grammar: unknown
 * options and subcommands, a value missing or given to a flag, a repeated option, options that
 * exclude each other, a required option missing, a value the tool would refuse. Empty: it parses.
 */
export function problems(tool: string, args: string[]): string[] {
  const g = GRAMMARS[tool];
  if (!g) return [`no grammar for ${tool}`];
  const out: string[] = [];
  const values = new Map<string, string[]>();
  let sub: string | undefined;
  const trailing: string[] = [];
  const table = () => [...g.globals, ...(sub && g.subcommands ? g.subcommands[sub].options : [])];
  const byLong = (name: string) => table().find((r) => r.long.toLowerCase() === name.toLowerCase());
  const byShort = (c: string) => table().find((r) => r.short === c);
  const take = (row: OptionRow, value: string | undefined) => {
    if (values.has(row.long) && !row.repeatable) out.push(`--${row.long} given twice`);
    if (row.value && value === undefined) out.push(`--${row.long} needs a value`);
    if (row.value && value !== undefined && row.values && !row.values.test(value))
      out.push(`--${row.long}: "${value}" is not a valid value`);
    values.set(row.long, [...(values.get(row.long) ?? []), ...(value !== undefined ? [value] : [])]);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--') && a.length > 2) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const row = byLong(name);
      if (!row) {
        out.push(`unknown option --${name}${sub ? ` for ${sub}` : ''}`);
        continue;
      }
      if (!row.value && inline !== undefined) out.push(`--${row.long} is a flag and takes no value`);
      take(row, row.value ? (inline ?? args[++i]) : undefined);
    } else if (a.startsWith('-') && a.length > 1) {
      // -x, -xVALUE, or several flags together (-Xn).
      for (let k = 1; k < a.length; k++) {
        const row = byShort(a[k]);
        if (!row) {
          out.push(`unknown option -${a[k]}${sub ? ` for ${sub}` : ''}`);
          break;
        }
        if (row.value) {
          take(row, k + 1 < a.length ? a.slice(k + 1) : args[++i]);
          break;
        }
        take(row, undefined);
      }
    } else if (g.subcommands && sub === undefined) {
      if (!g.subcommands[a]) out.push(`unknown subcommand ${a}`);
      else sub = a;
    } else trailing.push(a);
  }
  if (g.subcommands && sub === undefined) out.push('no subcommand');
  const row = sub ? g.subcommands?.[sub] : undefined;
  if (g.trailing ? trailing.length < g.trailing.min : trailing.length > 0)
    out.push(g.trailing ? `needs at least ${g.trailing.min} trailing argument(s)` : `unexpected arguments: ${trailing.join(' ')}`);
  const present = new Set(values.keys());
  for (const [a, b] of [...g.excludes, ...(row?.excludes ?? [])]) if (present.has(a) && present.has(b)) out.push(`--${a} excludes --${b}`);
  for (const group of [...(g.required?.(sub, present) ?? []), ...(present.has('no-prompt') || !g.subcommands ? (row?.required ?? []) : [])])
    if (!group.some((n) => present.has(n))) out.push(`${group.map((n) => `--${n}`).join(' or ')} required${sub ? ` for ${sub}` : ''}`);
  for (const r of row?.rejects ?? []) if (present.has(r)) out.push(`${sub} refuses --${r}`);
  if (row?.properties) {
    for (const name of ['set', 'reset', 'property']) {
      for (const v of values.get(name) ?? []) {
        const [prop, val] = name === 'set' ? (v.split(/:(.*)/s, 2) as [string, string | undefined]) : [v, undefined];
        const pattern = row.properties[prop];
        if (!pattern) out.push(`--${name} ${v}: unknown property "${prop}" for ${sub}`);
        else if (name === 'set' && (val === undefined || !pattern.test(val))) out.push(`--set ${v}: not NAME:VALUE with a valid value`);
      }
    }
  }
  out.push(...(g.semantic?.(sub, values) ?? []));
  return out;
}
