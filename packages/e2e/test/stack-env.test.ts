import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NAMESPACE, STACK } from '@menagerie/contract';
import { stackEnv, toShell } from '@menagerie/tools/e2e/stack-env';
import { expect } from 'chai';

describe('stack names for the shell scripts', () => {
  it('prints assignments that bash evaluates to the contract values', () => {
    const script = fileURLToPath(import.meta.resolve('@menagerie/tools/cli/print-stack-env'));
    const shown = execFileSync(
      'bash',
      [
        '-c',
        `eval "$("${process.execPath}" "${script}")"; echo "$MENAGERIE_NAMESPACE $PROMETHEUS_SERVICE:$PROMETHEUS_PORT $TEMPO_SERVICE:$TEMPO_PORT"`,
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(shown).to.equal(
      `${NAMESPACE} ${STACK.prometheus.service}:${STACK.prometheus.port} ${STACK.tempo.service}:${STACK.tempo.port}`,
    );
  });

  it('names every service the e2e script forwards', () => {
    expect(Object.keys(stackEnv())).to.include.members([
      'PROMETHEUS_SERVICE',
      'GRAFANA_SERVICE',
      'LOKI_SERVICE',
      'TEMPO_SERVICE',
      'GRAFANA_PORT',
    ]);
  });

  it('quotes values so that eval cannot run them', () => {
    const shown = execFileSync(
      'bash',
      ['-c', `eval "$1"; printf %s "$X"`, '_', toShell({ X: "a'; touch /nope; '$(id)" })],
      {
        encoding: 'utf8',
      },
    );
    expect(shown).to.equal("a'; touch /nope; '$(id)");
  });
});
