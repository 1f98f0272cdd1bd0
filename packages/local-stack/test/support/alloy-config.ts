/**
 * A reader for the subset of Alloy's configuration syntax the chart's Alloy
 * config uses: blocks with optional labels, attributes, strings, numbers,
 * booleans, objects, arrays and references. No Alloy implementation runs on
 * Node, and this is all the check needs to read the pipeline as Alloy would.
 */

export type AlloyValue =
  | string
  | number
  | boolean
  | { readonly ref: string }
  | readonly AlloyValue[]
  | { readonly [key: string]: AlloyValue };

export interface AlloyBlock {
  readonly name: string;
  readonly label?: string;
  readonly attributes: Record<string, AlloyValue>;
  readonly blocks: AlloyBlock[];
}

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string; value?: string | number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_.]*)|([{}[\]=,])/y;
  while (pattern.lastIndex < source.length) {
    const at = pattern.lastIndex;
    const match = pattern.exec(source);
    if (!match) throw new Error(`unexpected character at ${at}: ${source.slice(at, at + 20)}`);
    const [, string, number, ident, punct] = match;
    if (string !== undefined) tokens.push({ kind: 'string', text: string, value: JSON.parse(string) });
    else if (number !== undefined) tokens.push({ kind: 'number', text: number, value: Number(number) });
    else if (ident !== undefined) tokens.push({ kind: 'ident', text: ident });
    else if (punct !== undefined) tokens.push({ kind: 'punct', text: punct });
  }
  return tokens;
}

export function parseAlloy(source: string): AlloyBlock[] {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const token = tokens[i++];
    if (!token) throw new Error('unexpected end of the Alloy configuration');
    return token;
  };
  const expect = (text: string) => {
    const token = next();
    if (token.text !== text) throw new Error(`expected ${text}, found ${token.text}`);
  };

  const value = (): AlloyValue => {
    const token = next();
    if (token.kind === 'string' || token.kind === 'number') return token.value as string | number;
    if (token.kind === 'ident') {
      if (token.text === 'true' || token.text === 'false') return token.text === 'true';
      return { ref: token.text };
    }
    if (token.text === '[') {
      const items: AlloyValue[] = [];
      while (peek()?.text !== ']') {
        items.push(value());
        if (peek()?.text === ',') next();
      }
      expect(']');
      return items;
    }
    if (token.text === '{') {
      const object: Record<string, AlloyValue> = {};
      while (peek()?.text !== '}') {
        const key = next();
        expect('=');
        object[key.kind === 'string' ? String(key.value) : key.text] = value();
        if (peek()?.text === ',') next();
      }
      expect('}');
      return object;
    }
    throw new Error(`unexpected ${token.text}`);
  };

  const body = (closing: string | undefined): AlloyBlock => {
    const block = { name: '', attributes: {} as Record<string, AlloyValue>, blocks: [] as AlloyBlock[] };
    while (i < tokens.length && peek()?.text !== closing) {
      const name = next();
      if (name.kind !== 'ident') throw new Error(`expected a name, found ${name.text}`);
      if (peek()?.text === '=') {
        next();
        block.attributes[name.text] = value();
        continue;
      }
      const label = peek()?.kind === 'string' ? String(next().value) : undefined;
      expect('{');
      const inner = body('}');
      expect('}');
      block.blocks.push({ ...inner, name: name.text, ...(label === undefined ? {} : { label }) });
    }
    return block;
  };
  return body(undefined).blocks;
}

export const blocksNamed = (blocks: readonly AlloyBlock[], name: string): AlloyBlock[] =>
  blocks.filter((b) => b.name === name);
