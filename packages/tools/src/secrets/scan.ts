import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Something secret found in clear in a tracked file. */
export interface Finding {
  readonly file: string;
  readonly problem: string;
}

/** Private keys as their tools write them: age identities, and PEM and PGP private key blocks. */
const PRIVATE_KEYS: readonly { name: string; pattern: RegExp }[] = [
  { name: 'an age private key', pattern: /AGE-SECRET-KEY-1[0-9A-Z]{20,}/ },
  { name: 'a private key block', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
];

/** The files whose YAML (or JSON) documents are read for Secrets and SOPS metadata. */
const STRUCTURED = /\.(ya?ml|json)$/;
/** Files meant to be SOPS-encrypted, by the project's naming; `.sops.yaml` itself is SOPS's configuration. */
const SOPS_FILE = /(^|\/)[^/.][^/]*\.sops\.(ya?ml|json)$/;

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paths (a.b[0].c) and values of every leaf under `value`. */
function leaves(value: unknown, at: string): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, `${at}[${index}]`));
  if (isTree(value))
    return Object.entries(value).flatMap(([key, item]) => leaves(item, at ? `${at}.${key}` : key));
  return [[at, value]];
}

const encrypted = (value: unknown) => typeof value === 'string' && value.startsWith('ENC[AES256_GCM,');

/**
 * The leaves of a SOPS-encrypted document that are in clear although SOPS
 * would have encrypted them: every value, except under keys that end with the
 * unencrypted suffix, or, with an encrypted_regex, every value under a key it
 * matches.
 */
function clearSopsValues(document: Tree): string[] {
  const metadata = document.sops as Tree;
  const onlyMatching =
    typeof metadata.encrypted_regex === 'string' ? new RegExp(metadata.encrypted_regex) : undefined;
  const suffix = typeof metadata.unencrypted_suffix === 'string' ? metadata.unencrypted_suffix : undefined;
  const clear: string[] = [];
  const visit = (value: unknown, at: string, inScope: boolean): void => {
    if (isTree(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (suffix && key.endsWith(suffix)) continue;
        visit(item, at ? `${at}.${key}` : key, inScope || (onlyMatching?.test(key) ?? false));
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, `${at}[${index}]`, inScope);
      });
    } else if (inScope && !encrypted(value) && value !== null && value !== '') {
      clear.push(at);
    }
  };
  for (const [key, value] of Object.entries(document)) {
    if (key !== 'sops') visit(value, key, onlyMatching === undefined || onlyMatching.test(key));
  }
  return clear;
}

function scanDocument(file: string, document: unknown): Finding[] {
  if (!isTree(document)) return [];
  if (isTree(document.sops)) {
    const findings = clearSopsValues(document).map((at) => ({
      file,
      problem: `${at} is in clear in a SOPS-encrypted file`,
    }));
    if (!encrypted(document.sops.mac))
      findings.push({ file, problem: 'its SOPS metadata has no encrypted mac' });
    return findings;
  }
  if (document.kind === 'Secret') {
    const name = isTree(document.metadata) ? String(document.metadata.name) : '(unnamed)';
    return ['data', 'stringData']
      .flatMap((field) => leaves(document[field], field))
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([at]) => ({ file, problem: `Secret ${name} holds ${at} in clear (not SOPS-encrypted)` }));
  }
  return [];
}

/** What is secret and in clear in one file's text. */
export function scanText(file: string, text: string): Finding[] {
  const findings: Finding[] = PRIVATE_KEYS.filter(({ pattern }) => pattern.test(text)).map(({ name }) => ({
    file,
    problem: `contains ${name}`,
  }));
  // Helm and helmfile templates are not YAML until rendered: keys only.
  if (!STRUCTURED.test(file) || text.includes('{{')) return findings;
  const documents = parseAllDocuments(text);
  if (documents.some((document) => document.errors.length > 0)) {
    if (SOPS_FILE.test(file))
      findings.push({ file, problem: 'is named as SOPS-encrypted but does not parse' });
    return findings;
  }
  const values = documents.map((document) => document.toJS() as unknown);
  for (const value of values) findings.push(...scanDocument(file, value));
  if (SOPS_FILE.test(file) && !values.some((value) => isTree(value) && isTree(value.sops))) {
    findings.push({ file, problem: 'is named as SOPS-encrypted but has no SOPS metadata' });
  }
  return findings;
}

/** Every file git tracks in `root` (the index: what a commit would hold), binary files left out. */
export function trackedFiles(root: string): string[] {
  return execFileSync('git', ['-C', root, 'ls-files', '-z'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter(Boolean);
}

/** Scans every tracked text file of the repository at `root`. */
export function scanRepository(root: string): Finding[] {
  const findings: Finding[] = [];
  for (const file of trackedFiles(root)) {
    let content: Buffer;
    try {
      content = readFileSync(path.join(root, file));
    } catch {
      continue; // deleted in the work tree; the index still has it, the next commit will not
    }
    if (content.includes(0)) continue;
    findings.push(...scanText(file, content.toString('utf8')));
  }
  return findings;
}
