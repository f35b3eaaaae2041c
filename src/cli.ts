/**
 * Headless entry on the same core as the extension: `gluu-cluster validate --config FILE`,
 * `gluu-cluster schema`. Later issues add plan, render, run and ldap.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { EXAMPLE_CLUSTER_FILE } from './core/config/example';
import { clusterFileSchema } from './core/config/jsonSchema';
import { parseClusterFile } from './core/config/parse';

const USAGE = `Usage: gluu-cluster <command> [options]

Commands:
  init [--config FILE]     write a commented example cluster file (never overwrites)
  validate --config FILE   check a cluster file; problems are printed as FILE:LINE:COL
  schema                   print the JSON Schema of the cluster file

Options:
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  -h, --help               show this help
`;

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  const opts = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--config' && rest[i + 1] !== undefined) opts.set('config', rest[++i]);
    else {
      err(`gluu-cluster: unknown option "${rest[i]}"\n${USAGE}`);
      return 2;
    }
  }
  switch (command) {
    case 'schema':
      out(`${JSON.stringify(clusterFileSchema(), null, 2)}\n`);
      return 0;
    case 'init': {
      const file = opts.get('config') ?? 'gluu-cluster.yaml';
      try {
        writeFileSync(file, EXAMPLE_CLUSTER_FILE, { flag: 'wx' });
      } catch (e) {
        err(`gluu-cluster: not written: ${file}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'the file exists' : String(e)}\n`);
        return 1;
      }
      out(`${file}: example cluster file written; replace the example hosts with yours\n`);
      return 0;
    }
    case 'validate': {
      const file = opts.get('config') ?? 'gluu-cluster.yaml';
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        err(`gluu-cluster: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
        return 2;
      }
      const parsed = parseClusterFile(text);
      for (const p of parsed.problems) {
        err(`${file}:${p.range.start.line + 1}:${p.range.start.col + 1}: ${p.severity}: ${p.message} [${p.code}]\n`);
      }
      if (!parsed.config) return 1;
      out(`${file}: cluster "${parsed.config.name}" with ${parsed.config.nodes.length} nodes is valid\n`);
      return 0;
    }
    default:
      err(`gluu-cluster: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
