import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import {
  DEFAULT_BEHAVIOUR_PROFILE,
  faultInjector,
  loadBehaviourProfile,
  ProfileError,
  parseBehaviourProfile,
  sampleDelayMs,
  seededRandom,
} from '../src/index.ts';

const profiles = new URL('../profiles/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'menagerie-profile-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('behaviour profile', () => {
  it('ships profiles/default.yaml equal to the built-in defaults', () => {
    const file = parse(readFileSync(new URL('default.yaml', profiles), 'utf8'));
    expect(file).to.deep.equal(DEFAULT_BEHAVIOUR_PROFILE);
    expect(loadBehaviourProfile(new URL('default.yaml', profiles).pathname)).to.deep.equal(
      DEFAULT_BEHAVIOUR_PROFILE,
    );
  });

  it('uses the built-in defaults when no file is given', () => {
    expect(loadBehaviourProfile(undefined)).to.equal(DEFAULT_BEHAVIOUR_PROFILE);
  });

  it('loads the bad-release profiles, which keep the default behaviour and add to it', () => {
    for (const name of ['bad-release-errors.yaml', 'bad-release-latency.yaml']) {
      const profile = loadBehaviourProfile(new URL(name, profiles).pathname);
      expect(profile.species).to.deep.include(DEFAULT_BEHAVIOUR_PROFILE.species);
    }
  });

  it('reads JSON as well as YAML', () => {
    const path = write(
      'p.json',
      JSON.stringify({ species: { dog: { errors: { rate: 0.5, status: 502 } } } }),
    );
    expect(loadBehaviourProfile(path).species.dog?.errors).to.deep.equal({ rate: 0.5, status: 502 });
  });

  const invalid: [string, string, RegExp][] = [
    [
      'an unknown species',
      'species: { unicorn: { errors: { rate: 0.1, status: 500 } } }',
      /unicorn.*not a known species/,
    ],
    [
      'a rate above 1',
      'species: { dog: { errors: { rate: 1.5, status: 500 } } }',
      /rate.*less than or equal to 1/,
    ],
    ['a status that is not a 5xx', 'species: { dog: { errors: { rate: 0.1, status: 404 } } }', /status/],
    ['a p99 below the median', 'species: { dog: { latency: { medianMs: 500, p99Ms: 100 } } }', /p99Ms/],
    [
      'a species with nothing to do',
      'species: { dog: {} }',
      /must contain at least one of \[latency, errors\]/,
    ],
    [
      'a string for a number',
      'species: { dog: { latency: { medianMs: "5", p99Ms: 10 } } }',
      /medianMs.*number/,
    ],
    ['an unknown top-level key', 'species: {}\nsurprise: 1', /surprise.*not allowed/],
    ['no species key', 'errors: 1', /species.*required/],
    ['text that is not YAML', 'species: [unclosed', /neither JSON nor YAML/],
  ];
  for (const [what, text, message] of invalid) {
    it(`refuses a profile with ${what}, naming the problem and the file`, () => {
      const path = write('bad.yaml', text);
      expect(() => loadBehaviourProfile(path))
        .to.throw(ProfileError)
        .with.property('message')
        .that.matches(message)
        .and.includes(path);
    });
  }

  it('refuses a file that does not exist', () => {
    expect(() => loadBehaviourProfile(join(dir, 'missing.yaml'))).to.throw(ProfileError, /cannot be read/);
  });

  it('validates a parsed profile the same way', () => {
    expect(() => parseBehaviourProfile([], 'inline')).to.throw(ProfileError, /inline/);
  });
});

describe('fault injection', () => {
  it('answers errors at the configured rate (seeded)', () => {
    const inject = faultInjector(
      { species: { dog: { errors: { rate: 0.2, status: 503 } } } },
      seededRandom(1),
    );
    let errors = 0;
    for (let i = 0; i < 20_000; i++) {
      const fault = inject('dog');
      if (fault.errorStatus !== undefined) {
        expect(fault.errorStatus).to.equal(503);
        errors++;
      }
    }
    expect(errors / 20_000).to.be.closeTo(0.2, 0.01);
    expect(inject('cat')).to.deep.equal({ delayMs: 0, errorStatus: undefined });
  });

  it('draws delays with the configured median and 99th percentile, never above the cap', () => {
    const random = seededRandom(42);
    const latency = { medianMs: 100, p99Ms: 800, maxMs: 1000 };
    const delays = Array.from({ length: 20_000 }, () => sampleDelayMs(latency, random)).sort((a, b) => a - b);
    expect(delays[10_000]).to.be.closeTo(100, 5);
    expect(delays[19_800]).to.be.closeTo(800, 80);
    expect(delays.at(-1)).to.be.at.most(1000);
    expect(delays[0]).to.be.above(0);
  });

  it('caps delays at 3 × p99 when no maxMs is given', () => {
    const random = seededRandom(7);
    const latency = { medianMs: 100, p99Ms: 5000 };
    const max = Math.max(...Array.from({ length: 5000 }, () => sampleDelayMs(latency, random)));
    expect(max).to.equal(15_000);
  });

  it('repeats the same decisions for the same seed', () => {
    const profile = DEFAULT_BEHAVIOUR_PROFILE;
    const a = faultInjector(profile, seededRandom(3));
    const b = faultInjector(profile, seededRandom(3));
    for (let i = 0; i < 100; i++) expect(a('tortoise')).to.deep.equal(b('tortoise'));
  });
});
