import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  type BehaviourProfile,
  DEFAULT_BEHAVIOUR_PROFILE,
  ProfileError,
  parseBehaviourProfile,
} from './profile.ts';

/**
 * Reads the profile at `path` (JSON or YAML; YAML is a superset of JSON, so
 * one parser reads both), or returns the built-in defaults when there is none.
 */
export function loadBehaviourProfile(path: string | undefined): BehaviourProfile {
  if (path === undefined) return DEFAULT_BEHAVIOUR_PROFILE;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProfileError(`behaviour profile ${path} cannot be read: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new ProfileError(`behaviour profile ${path} is neither JSON nor YAML: ${(error as Error).message}`);
  }
  return parseBehaviourProfile(document, path);
}
