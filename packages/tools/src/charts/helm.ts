import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** What a helm command printed, and whether it succeeded. */
export interface HelmResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real helm binary from PATH (scripts/test.sh puts it there). A
 * missing binary throws: tests must fail, never skip, without it. Helm's
 * caches and repository list point into `home` when given, so a test never
 * reads or writes the user's Helm configuration.
 */
export async function helm(args: readonly string[], options: { home?: string } = {}): Promise<HelmResult> {
  const env = { ...process.env };
  if (options.home) {
    env.HELM_CACHE_HOME = `${options.home}/cache`;
    env.HELM_CONFIG_HOME = `${options.home}/config`;
    env.HELM_DATA_HOME = `${options.home}/data`;
    env.HELM_REPOSITORY_CONFIG = `${options.home}/config/repositories.yaml`;
    env.HELM_REPOSITORY_CACHE = `${options.home}/cache/repository`;
  }
  try {
    const { stdout, stderr } = await execFileAsync('helm', [...args], {
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error('helm is not on PATH: run the tests through scripts/test.sh, which installs it');
    }
    return { ok: false, stdout: failure.stdout ?? '', stderr: failure.stderr ?? String(error) };
  }
}

/** Options of `helm template`. */
export interface TemplateOptions {
  readonly release?: string;
  readonly namespace?: string;
  readonly valuesFiles?: readonly string[];
  /** `--set` pairs, in order. */
  readonly set?: Readonly<Record<string, string>>;
  /** `--set-file` pairs. */
  readonly setFile?: Readonly<Record<string, string>>;
  readonly showOnly?: string;
  /**
   * `--api-versions`: APIs the charts may assume the cluster serves. An
   * offline render knows only the built-in ones, and a chart that picks a
   * version by .Capabilities would otherwise render a removed one.
   */
  readonly apiVersions?: readonly string[];
}

export function templateArgs(chartDir: string, options: TemplateOptions = {}): string[] {
  const args = [
    'template',
    options.release ?? 'menagerie',
    chartDir,
    '--namespace',
    options.namespace ?? 'menagerie',
  ];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {})) args.push('--set', `${key}=${value}`);
  for (const [key, file] of Object.entries(options.setFile ?? {})) args.push('--set-file', `${key}=${file}`);
  if (options.showOnly) args.push('--show-only', options.showOnly);
  for (const apiVersion of options.apiVersions ?? []) args.push('--api-versions', apiVersion);
  return args;
}

/** `helm template`, throwing with helm's message when it fails. */
export async function helmTemplate(chartDir: string, options: TemplateOptions = {}): Promise<string> {
  const result = await helm(templateArgs(chartDir, options));
  if (!result.ok) throw new Error(`helm template ${chartDir} failed:\n${result.stderr}`);
  return result.stdout;
}

/** `helm template` expected to fail: returns helm's error message. */
export async function helmTemplateError(chartDir: string, options: TemplateOptions = {}): Promise<string> {
  const result = await helm(templateArgs(chartDir, options));
  if (result.ok) throw new Error(`helm template ${chartDir} succeeded, but was expected to fail`);
  return result.stderr;
}

/** `helm lint --strict`, with the same values as a render. */
export async function helmLint(chartDir: string, options: TemplateOptions = {}): Promise<HelmResult> {
  const args = ['lint', chartDir, '--strict', '--namespace', options.namespace ?? 'menagerie'];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {})) args.push('--set', `${key}=${value}`);
  // helm lint takes no --api-versions: it renders with the built-in capabilities.
  return helm(args);
}
