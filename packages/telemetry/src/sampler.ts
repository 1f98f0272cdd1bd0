import { OTEL_ENV } from '@menagerie/contract';
import { getNumberFromEnv, getStringFromEnv } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { SettingWarning } from './otel-environment.ts';

/** The values of OTEL_TRACES_SAMPLER; the specification's default first. */
export const SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

const DEFAULT_SAMPLER: SamplerName = SAMPLERS[0];
const DEFAULT_RATIO = 1;

/**
 * OTEL_TRACES_SAMPLER and, for the ratio samplers, OTEL_TRACES_SAMPLER_ARG,
 * as the specification defines them (the trace SDK no longer reads them
 * itself). An unknown sampler or a ratio outside 0..1 is reported through
 * `warn` and replaced by the specification's default. Read inside
 * withOtelEnvironment.
 */
export function readSampler(warn: SettingWarning): Sampler {
  const raw = getStringFromEnv(OTEL_ENV.sampler)?.trim().toLowerCase();
  let name: SamplerName = DEFAULT_SAMPLER;
  if (raw !== undefined) {
    if ((SAMPLERS as readonly string[]).includes(raw)) name = raw as SamplerName;
    else warn(`${OTEL_ENV.sampler}: "${raw}" is not one of ${SAMPLERS.join(', ')}; using ${DEFAULT_SAMPLER}`);
  }
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(readRatio(warn));
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(readRatio(warn)) });
  }
}

function readRatio(warn: SettingWarning): number {
  const ratio = getNumberFromEnv(OTEL_ENV.samplerArg);
  if (ratio === undefined) return DEFAULT_RATIO;
  if (ratio >= 0 && ratio <= 1) return ratio;
  warn(`${OTEL_ENV.samplerArg}: ${ratio} is not a ratio from 0 to 1; using ${DEFAULT_RATIO}`);
  return DEFAULT_RATIO;
}
