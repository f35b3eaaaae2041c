/**
 * The files generated from the cluster file for the user to edit before a step pushes them: the
 * one list the editor's Generate commands, diagnostics and preview, the plan's texts, the CLI and
 * the manifest's languages (checked by a unit test) follow. Data only, no renderer imports: the
 * activation bundle uses it (the renderers are keyed by these names in plan.ts, a compile error
 * when one is missing).
 */
import type { FileLocation, UploadAction } from './actions';
import type { PlanInput } from './stepPlan';

export const GENERATED_FILES = [
  // name: the CLI's `render nginx`; language: the manifest's language id; step: the step that pushes it.
  { name: 'nginx', fileName: 'nginx.conf', language: 'nginx', step: 'nginx' },
  { name: 'csync2', fileName: 'csync2.cfg', language: 'csync2', step: 'csync2' },
  { name: 'openldap', fileName: 'openldap-replication.conf', language: 'slapd', step: 'openldap-replication' },
] as const;

export type GeneratedFile = (typeof GENERATED_FILES)[number];
export type GeneratedFileName = GeneratedFile['fileName'];

/**
 * Where the user's copies are kept: the setting `gluuCluster.generatedFolder` (relative to the
 * workspace folder, or absolute) in the editor, `--generated-folder` (relative to the cluster
 * file) in the CLI.
 */
export const DEFAULT_GENERATED_FOLDER = 'cluster';

/** The generated file a path names (by its last segment), if any. */
export function generatedFile(path: string): GeneratedFile | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return GENERATED_FILES.find((f) => f.fileName === base);
}

/** The user's copy of a generated file as the user names it (for the plan's texts), e.g. cluster/nginx.conf. */
export function copyPath(folder: string, fileName: GeneratedFileName): string {
  return `${folder.replace(/\/+$/, '')}/${fileName}`;
}

/** A step's upload of a generated file: the user's copy when there is one (see planInput), else the fresh one. */
export function generatedUpload(input: PlanInput, fileName: GeneratedFileName, verb: string, to: FileLocation): UploadAction {
  const copy = copyPath(input.generatedFolder, fileName);
  return {
    kind: 'upload',
    title: `${verb} ${fileName} (the workspace file ${copy} when present)`,
    to,
    content: [input.generated[fileName]],
    mode: 0o644,
    generated: { fileName, copy },
  };
}
