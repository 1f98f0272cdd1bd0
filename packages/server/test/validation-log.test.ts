import { LABEL, LOG_FIELD, PATHS, SERVER_METRICS, VALIDATION_LOG_FIELD } from '@menagerie/contract';
import { expect } from 'chai';
import { postJson, send, startTestServer } from './helpers.ts';

const { fields, reasons } = VALIDATION_LOG_FIELD;

describe('validation failure log lines', () => {
  it('carry the offending fields and reasons as comma-separated strings, the counter label values', async () => {
    const server = await startTestServer();
    try {
      expect((await postJson(server.url, { name: 'Rex', species: 'dog', legs: 3 })).status).to.equal(400);
      expect(
        (await postJson(server.url, { name: '', species: 'unicorn', legs: 'four', colour: 'red' })).status,
      ).to.equal(400);
      expect((await postJson(server.url, '{"name": "Rex",')).status).to.equal(400);
      const metrics = await send(server.url, { path: PATHS.metrics });
      const warnings = server.logs.filter((l) => l[LOG_FIELD.level] === 'warn');
      expect(warnings.map((l) => l[LOG_FIELD.message])).to.deep.equal([
        'animal rejected by validation',
        'animal rejected by validation',
        'request body refused',
      ]);

      const [wrongLegs, manyProblems, malformed] = warnings;
      expect(wrongLegs?.[fields]).to.equal('legs');
      expect(wrongLegs?.[reasons]).to.equal('legs.species');
      expect(malformed?.[fields]).to.equal('_body');
      expect(malformed?.[reasons]).to.equal('malformed_json');

      // Several problems: one string each, every value once, as LogQL's json parser needs.
      const manyFields = String(manyProblems?.[fields]).split(',');
      const manyReasons = String(manyProblems?.[reasons]).split(',');
      expect(manyProblems?.[fields]).to.be.a('string');
      expect(manyProblems?.[reasons]).to.be.a('string');
      expect(manyFields).to.include.members(['name', 'species', 'legs', '_unknown']);
      expect(new Set(manyFields).size).to.equal(manyFields.length);
      expect(new Set(manyReasons).size).to.equal(manyReasons.length);

      // The same values as the counter's labels: a log panel and a metric panel agree.
      const counted = metricsLabelPairs(metrics.text, SERVER_METRICS.validationFailures.name);
      for (const line of warnings) {
        for (const field of String(line[fields]).split(',')) {
          expect(
            counted.some((pair) => pair.startsWith(`${field}|`)),
            `field ${field} is a label value of the counter`,
          ).to.equal(true);
        }
        for (const reason of String(line[reasons]).split(',')) {
          expect(
            counted.some((pair) => pair.endsWith(`|${reason}`)),
            `reason ${reason} is a label value of the counter`,
          ).to.equal(true);
        }
      }
    } finally {
      await server.close();
    }
  });
});

/** `field|reason` of every sample of the validation-failure counter. */
function metricsLabelPairs(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => {
      const field = new RegExp(`${LABEL.field}="([^"]*)"`).exec(line)?.[1];
      const reason = new RegExp(`${LABEL.reason}="([^"]*)"`).exec(line)?.[1];
      return `${field}|${reason}`;
    });
}
