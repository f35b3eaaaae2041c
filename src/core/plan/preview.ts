/**
 * The plan as text: for each step, headed by its manual section, the exact commands per target as
 * they will be sent (container wrapping included), uploads and relays as the runner performs them
 * (every uploaded file line by line, the generated ones included), and secrets as ••••.
 * Read-only: the editor shows it in a virtual document; the CLI prints it.
 */
import type { ClusterConfig } from '../config/types';
import { hostPath, wrapIf } from '../gluu/container';
import { withField } from '../ldap/mergePatch';
import type { Shell } from '../ssh/shell';
import { SECRET_LABELS, type Action, type Content, type FileLocation, type Probe, type SecretFile } from './actions';
import { STEPS } from './catalogue';
import { GENERATED_FILES } from './generated';
import type { JoinStep } from './join';
import type { RemoveStep } from './remove';
import { printable } from '../printable';
import type { StepPlan } from './stepPlan';

export const MASK = '••••';

const RULE = '#'.repeat(78);

function command(config: ClusterConfig, script: Shell, container: boolean): string {
  return wrapIf(config, script, container).text;
}

function where(config: ClusterConfig, f: FileLocation): string {
  return `${f.host}:${hostPath(config, f.path, f.container)}`;
}

export function maskContent(content: Content): string {
  return content.map((c) => (typeof c === 'string' ? c : MASK)).join('');
}

/**
 * A file's lines behind a "#   | " gutter, so no line of it can pass for a command or a comment of
 * the plan; control characters shown escaped (printed to a terminal, the CLI's plan, they could
 * move the cursor and hide lines).
 */
function gutter(text: string): string[] {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `#   |${l ? ' ' : ''}${printable(l)}`);
}

function secretLines(config: ClusterConfig, files: SecretFile[] | undefined, container: boolean, host: string): string[] {
  return (files ?? []).map(
    (f) =>
      `# secret: ${SECRET_LABELS[f.secret]} (${MASK}) written to ${host}:${hostPath(config, f.path, container)} (mode 0600) for this command, removed afterwards`,
  );
}

const octal = (mode: number) => `0${mode.toString(8)}`;

function actionLines(config: ClusterConfig, a: Action, n: number): string[] {
  const head = `# ${n}. ${a.title}`;
  switch (a.kind) {
    case 'exec':
      return [head, ...secretLines(config, a.secretFiles, a.container, a.host), command(config, a.script, a.container)];
    case 'interactive':
      return [
        head,
        '# interactive: runs in a terminal with a pty; answer its prompts there',
        command(config, a.script, a.container),
        ...(a.batch ? ['# without a terminal to answer it (gluu-cluster run), instead:', command(config, a.batch, a.container)] : []),
      ];
    case 'upload': {
      const lines = [head, `# upload over SFTP → ${where(config, a.to)} (mode ${octal(a.mode)}; temporary file, then renamed)`];
      const text = maskContent(a.content);
      if (a.generated) {
        // The whole file: it may be the user's copy (or a repository's), and what it says is what the nodes get.
        const language = GENERATED_FILES.find((f) => f.fileName === a.generated!.fileName)?.language ?? '';
        lines.push(
          `# content: the generated ${a.generated.fileName} (${a.generated.copy} in the workspace when present), ${text.split('\n').length - 1} lines, exactly as pushed:`,
          `# \`\`\`${language}`,
          ...gutter(text),
          '# ```',
        );
      } else {
        lines.push(...gutter(text));
      }
      return lines;
    }
    case 'relay':
      return [
        head,
        `# relay through the extension: ${where(config, a.from)} → ${where(config, a.to)} (mode ${octal(a.mode)}, SHA-256 compared)${a.setProperties?.length ? `, with ${a.setProperties.map((p) => `${p.key}=${p.value}`).join(' and ')}` : ''}`,
      ];
    case 'ldap':
      return [
        head,
        a.attribute === 'cache'
          ? `# LDAP on ${a.host} (over an SSH tunnel unless gluu.ldapAccess says direct): these fields are merged into the appliance entry's cache configuration (oxCacheConfiguration, or oxCacheConfig where the entry has that), every other field kept:`
          : `# LDAP on ${a.host} (over an SSH tunnel unless gluu.ldapAccess says direct): these fields are merged into the "config" of the oxIDPAuthentication value for Gluu's own LDAP (configId auth_ldap_server), every other field kept:`,
        ...JSON.stringify(a.encoded ? withField(a.change, a.encoded.path, MASK) : a.change, null, 2)
          .split('\n')
          .map((l) => `#   ${l}`),
        ...(a.encoded
          ? [
              `# ${a.encoded.path.join('.')}: the ${SECRET_LABELS[a.encoded.secret].split(' (')[0]} (${MASK}), encoded on ${a.encoded.host} with its Gluu salt the way /opt/gluu/bin/encode.py does (the password reaches the encoder only on its stdin)`,
            ]
          : []),
        '# Written with compare-and-swap (the exact value read is replaced, or nothing is), and only if it changes something; the previous value is kept for Restore Previous LDAP Value.',
      ];
  }
}

function probeLines(config: ClusterConfig, label: string, host: string, p: Probe | undefined): string[] {
  if (!p) return [];
  return [
    `# ${label} on ${p.host ?? host}:`,
    ...secretLines(config, p.secretFiles, p.container, p.host ?? host),
    `#   ${command(config, p.script, p.container).replace(/\n/g, '\n#   ')}`,
  ];
}

/** Commands at least this long are printed once per step and referred to after. */
const REPEAT_MIN_CHARS = 200;

/**
 * One step's preview. `position` numbers it within a join or a removal ("Join step 2/14"): those
 * run a few of the plan's steps, in their own order, and some steps of their own.
 */
export function formatStep(config: ClusterConfig, plan: StepPlan, position?: { kind: string; index: number; total: number }): string {
  const index = STEPS.findIndex((s) => s.id === plan.step.id) + 1;
  const out = [
    RULE,
    position
      ? `# ${position.kind} step ${position.index}/${position.total} · ${plan.step.title} (${plan.step.id})`
      : `# Step ${index}/${STEPS.length} · ${plan.step.title} (${plan.step.id})`,
    `# Manual: ${plan.step.section}`,
    `# Runs on: ${plan.resolved.targetLabel}${plan.step.sequential ? ' — one target at a time' : plan.targets.length > 1 ? ' — targets in parallel' : ''}`,
    ...(plan.step.requires.length ? [`# Requires: ${plan.step.requires.join(', ')}`] : []),
    ...plan.notes.map((n) => `# Note: ${n}`),
    RULE,
  ];
  let n = 0;
  // A long command that is the same on every target (the hosts block, say) is printed once and
  // referred to after: printed per target, the preview grew with the square of the node count.
  const seen = new Map<string, string>();
  const emit = (lines: string[], where: string) => {
    for (const line of lines) {
      const body = line.startsWith('#   ') ? line.slice(4) : line.startsWith('#') ? undefined : line;
      if (body === undefined || body.length < REPEAT_MIN_CHARS) out.push(line);
      else if (seen.has(body)) out.push(`#   (the same ${body.length}-character command as ${seen.get(body)})`);
      else {
        seen.set(body, where);
        out.push(line);
      }
    }
  };
  if (plan.before.length) {
    out.push('', '## first, once');
    for (const a of plan.before) emit(actionLines(config, a, ++n), `${n}. above`);
  }
  for (const t of plan.targets) {
    out.push('', `## ${t.label}`);
    emit(probeLines(config, 'check (the step is skipped here when this succeeds)', t.host, t.check), `the check on ${t.host}`);
    for (const a of t.actions) emit(actionLines(config, a, ++n), `${n}. above`);
    emit(probeLines(config, 'verify', t.host, t.verify), `the verify on ${t.host}`);
  }
  if (plan.after.length) {
    out.push('', '## then, in this order');
    for (const a of plan.after) emit(actionLines(config, a, ++n), `${n}. above`);
  }
  return `${out.join('\n')}\n`;
}

/** Join Node's plan: each step with where it runs in the join and why, then its exact commands. */
export function formatJoin(config: ClusterConfig, host: string, steps: readonly JoinStep[]): string {
  const head = [
    `# Join ${host} to the running cluster "${config.name}": ${steps.length} steps, in this order. The other nodes keep serving; only ${host} restarts.`,
    `# The new node's own steps are skipped where they already hold (a join that stopped continues where it stopped); what names every node is written again on every host.`,
    `# Secrets are shown as ${MASK}. Commands are exactly what is sent over SSH.`,
    '',
  ];
  const where = (j: JoinStep) => (j.scope === 'new-node' ? `on ${host} only` : `on ${j.plan.targets.map((t) => t.host).join(', ')}`);
  return (
    head.join('\n') +
    steps.map((j, i) => `# Join: ${where(j)}, because ${j.why}\n${formatStep(config, j.plan, position('Join', i, steps))}`).join('\n')
  );
}

/** The `i`th of `steps` of a join or a removal, as formatStep numbers it. */
const position = (kind: string, i: number, steps: readonly unknown[]) => ({ kind, index: i + 1, total: steps.length });

/** Remove Node's plan: each step with why, in order, then its exact commands. */
export function formatRemove(config: ClusterConfig, host: string, steps: readonly RemoveStep[]): string {
  const head = [
    `# Remove ${host} from the running cluster "${config.name}": ${steps.length} steps, in this order; then ${host} goes from the cluster file.`,
    `# The steps on the other hosts are rendered for the cluster without ${host}, from freshly generated files.`,
    `# When ${host} cannot be reached, what needs it is left (and listed) and the rest is done.`,
    `# Secrets are shown as ${MASK}. Commands are exactly what is sent over SSH.`,
    '',
  ];
  return (
    head.join('\n') +
    steps
      .map(
        (r, i) =>
          `# Remove: ${r.why}${r.onRemovedNode ? ` (needs ${host})` : ''}\n${formatStep(config, r.plan, position('Remove', i, steps))}`,
      )
      .join('\n')
  );
}

export function formatPlan(config: ClusterConfig, plans: StepPlan[]): string {
  const head = [
    `# Gluu Cluster plan for "${config.name}": Gluu ${config.gluu.version}, container ${config.gluu.container}, ${config.gluu.ldap === 'opendj' ? 'OpenDJ' : 'OpenLDAP'}`,
    `# Secrets are shown as ${MASK}. Commands are exactly what is sent over SSH.`,
    '',
  ];
  return head.join('\n') + plans.map((p) => formatStep(config, p)).join('\n');
}
