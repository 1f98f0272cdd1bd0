import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { NAMESPACE, RELEASE } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { makeTempDir, UMBRELLA_DIR, umbrellaCopy, writeValuesFile } from '@menagerie/tools/charts/charts';
import { readHelmfile, releaseValuesFiles, renderGotmpl } from '@menagerie/tools/charts/helmfile';
import { findObject } from '@menagerie/tools/charts/manifests';
import { readValues, valueAt } from '@menagerie/tools/charts/values';
import { scanRepository, scanText } from '@menagerie/tools/secrets/scan';
import { expect } from 'chai';
import { parse } from 'yaml';
import { decodeBase64, render } from './support/render.ts';

const execFileAsync = promisify(execFile);
const ENCRYPTED_FILE = 'deploy/secrets/paging.sops.yaml';
const encrypted = parse(readFileSync(path.join(REPOSITORY_ROOT, ENCRYPTED_FILE), 'utf8'));
const sopsConfig = parse(readFileSync(path.join(REPOSITORY_ROOT, '.sops.yaml'), 'utf8'));
const paging = valueAt(readValues(path.join(UMBRELLA_DIR, 'values.yaml')), ['alerting', 'pagingSecret']) as {
  name: string;
  key: string;
};

// Key material is assembled at run time, so no fixture key is ever a tracked file.
const AGE_KEY = `AGE-SECRET-KEY-1${'QX7'.repeat(19)}Z`;
const PEM_KEY = ['-----BEGIN', 'OPENSSH', 'PRIVATE', 'KEY-----'].join(' ');
const ENC = 'ENC[AES256_GCM,data:3q2+7w==,iv:AAAA,tag:BBBB,type:str]';

async function gitRepository(files: Record<string, string>): Promise<string> {
  const root = makeTempDir('secrets');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  await execFileAsync('git', ['init', '-q', root]);
  await execFileAsync('git', ['-C', root, 'add', '-A']);
  return root;
}

describe('secrets in git', () => {
  it('tracks no private key, no Secret in clear and no SOPS file with a value in clear', () => {
    expect(scanRepository(REPOSITORY_ROOT)).to.deep.equal([]);
  });

  it('finds each kind of secret in clear in a repository that tracks them', async () => {
    const root = await gitRepository({
      'keys/age.txt': `# created: 2026-01-01\n${AGE_KEY}\n`,
      'keys/id_deploy': `${PEM_KEY}\nb3BlbnNzaA==\n`,
      'deploy/secret.yaml':
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: pager\nstringData:\n  routing-key: abc\n',
      'deploy/other.yaml':
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: c2VjcmV0\n',
      'deploy/secrets/half.sops.yaml': `a:\n  b: ${ENC}\n  c: in-clear\nsops:\n  mac: ${ENC}\n`,
      'deploy/secrets/plain.sops.yaml': 'alerting:\n  key: never-encrypted\n',
      'deploy/fine.sops.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ok\nstringData:\n  k: ${ENC}\nsops:\n  mac: ${ENC}\n  encrypted_regex: ^(data|stringData)$\n`,
      'README.md': 'Nothing here.\n',
      '.sops.yaml': 'creation_rules:\n  - age: age1example\n',
    });
    writeFileSync(path.join(root, 'untracked.txt'), AGE_KEY);
    expect(scanRepository(root)).to.have.deep.members([
      { file: 'keys/age.txt', problem: 'contains an age private key' },
      { file: 'keys/id_deploy', problem: 'contains a private key block' },
      {
        file: 'deploy/secret.yaml',
        problem: 'Secret pager holds stringData.routing-key in clear (not SOPS-encrypted)',
      },
      { file: 'deploy/other.yaml', problem: 'Secret db holds data.password in clear (not SOPS-encrypted)' },
      { file: 'deploy/secrets/half.sops.yaml', problem: 'a.c is in clear in a SOPS-encrypted file' },
      {
        file: 'deploy/secrets/plain.sops.yaml',
        problem: 'is named as SOPS-encrypted but has no SOPS metadata',
      },
    ]);
  });

  it('fails the scan CLI on a finding, and passes it on a clean repository', async () => {
    const cli = path.join(REPOSITORY_ROOT, 'packages/tools/dist/cli/secret-scan.js');
    const dirty = await gitRepository({ 'id.pem': `${PEM_KEY}\n` });
    const failed = await execFileAsync('node', [cli, dirty]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).to.deep.include({ code: 1 });
    expect((failed as { stderr: string }).stderr).to.include('id.pem: contains a private key block');
    const { stdout } = await execFileAsync('node', [cli, await gitRepository({ 'a.yaml': 'a: 1\n' })]);
    expect(stdout).to.include('0 finding(s)');
  });

  it('reads templates for keys only, since they are not YAML until rendered', () => {
    const template = 'kind: Secret\ndata:\n  {{ .Values.key }}: {{ .Values.value | b64enc }}\n';
    expect(scanText('charts/x/templates/secret.yaml', template)).to.deep.equal([]);
    expect(scanText('charts/x/templates/secret.yaml', `${template}# ${AGE_KEY}\n`)).to.have.length(1);
  });

  it('keeps the example paging key encrypted to the recipient .sops.yaml names, as chart values', () => {
    const [rule] = sopsConfig.creation_rules as { path_regex: string; age: string }[];
    expect(new RegExp(rule?.path_regex ?? '$^').test(ENCRYPTED_FILE)).to.equal(true);
    expect(encrypted.sops.age.map((entry: { recipient: string }) => entry.recipient)).to.deep.equal([
      rule?.age,
    ]);
    expect(encrypted.sops.mac).to.match(/^ENC\[AES256_GCM,/);
    expect(Object.keys(encrypted)).to.have.members(['alerting', 'sops']);
    expect(Object.keys(encrypted.alerting.pagingSecret)).to.deep.equal(['routingKey']);
    expect(encrypted.alerting.pagingSecret.routingKey).to.match(
      /^ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:str\]$/,
    );
  });

  it('renders the paging Secret from a decrypted key, kept on uninstall, and nothing without one', async () => {
    const chartDir = umbrellaCopy();
    const without = await render(chartDir, { release: RELEASE, namespace: NAMESPACE });
    expect(
      without.filter((object) => object.kind === 'Secret').map((object) => object.metadata.name),
    ).to.not.include(paging.name);
    const decrypted = writeValuesFile({ alerting: { pagingSecret: { routingKey: 'k3y' } } });
    const objects = await render(chartDir, {
      release: RELEASE,
      namespace: NAMESPACE,
      valuesFiles: [decrypted],
    });
    const secret = findObject(objects, 'Secret', paging.name);
    expect(decodeBase64(secret.data[paging.key])).to.equal('k3y');
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).to.equal('keep');
  });

  it("passes the sops environment's decrypted key to the chart, and nothing in the other environments", async () => {
    const helmfile = readHelmfile();
    const environment = helmfile.environments.sops as { secrets?: string[] };
    expect(environment.secrets).to.deep.equal([ENCRYPTED_FILE]);
    const umbrella = helmfile.releases.find((release) => release.name === RELEASE);
    const template = 'deploy/helmfile/values/paging.yaml.gotmpl';
    expect(umbrella?.values).to.include(template);
    // What helmfile merges into the state values once helm-secrets has decrypted the file.
    const decrypted = { alerting: { pagingSecret: { routingKey: 'k3y' } } };
    const file = path.join(REPOSITORY_ROOT, template);
    expect(parse(await renderGotmpl(file, { logCollector: 'promtail', ...decrypted }))).to.deep.equal(
      decrypted,
    );
    expect(parse(await renderGotmpl(file, { logCollector: 'promtail' }))).to.equal(null);
    if (!umbrella) throw new Error(`no release ${RELEASE}`);
    const files = await releaseValuesFiles(helmfile, umbrella, 'default');
    const objects = await render(umbrellaCopy(), {
      release: RELEASE,
      namespace: NAMESPACE,
      valuesFiles: files,
    });
    expect(
      objects.some((object) => object.kind === 'Secret' && object.metadata.name === paging.name),
    ).to.equal(false);
  });
});
