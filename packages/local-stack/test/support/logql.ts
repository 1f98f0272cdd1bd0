import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';

/**
 * Reads a LogQL query with Grafana's own grammar into what the check needs:
 * the stream selector, the parsers, the label filters after them, and every
 * label a `by (…)` groups on. Constructs the dashboards do not use are
 * refused, so a new kind of query has to be taught to the check first.
 */

export type Operator = '=' | '!=' | '=~' | '!~' | '>' | '>=' | '<' | '<=' | '==';

export interface LabelMatcher {
  readonly label: string;
  readonly op: Operator;
  readonly value: string | number;
}

export interface LogqlShape {
  readonly selector: readonly LabelMatcher[];
  readonly parsers: readonly string[];
  /** Filters after the parsers, all of which must hold (`and`). */
  readonly filters: readonly LabelMatcher[];
  readonly groupBy: readonly string[];
}

const OPERATOR: Record<string, Operator> = {
  Eq: '=',
  Neq: '!=',
  Re: '=~',
  Nre: '!~',
  Gtr: '>',
  Gte: '>=',
  Lss: '<',
  Lte: '<=',
  Eql: '==',
};

export function analyseLogql(query: string): LogqlShape {
  const text = (node: SyntaxNode) => query.slice(node.from, node.to);
  const tree = parser.parse(query);
  const selector: LabelMatcher[] = [];
  const parsers: string[] = [];
  const filters: LabelMatcher[] = [];
  const groupBy: string[] = [];
  const matcherOf = (node: SyntaxNode): LabelMatcher => {
    const label = node.getChild('Identifier');
    const operator = node.firstChild?.nextSibling;
    const literal = node.lastChild;
    const op = operator ? OPERATOR[operator.name] : undefined;
    if (!label || !op || !literal) throw new Error(`unsupported matcher: ${text(node)}`);
    const value = literal.name === 'String' ? (JSON.parse(text(literal)) as string) : Number(text(literal));
    return { label: text(label), op, value };
  };
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      if (node.type.isError) throw new Error(`LogQL syntax error at ${node.from}: ${query}`);
      switch (node.name) {
        case 'Selector':
          for (const m of node.getChildren('Matchers').flatMap(allMatchers)) selector.push(matcherOf(m));
          return false;
        case 'LabelParser':
          parsers.push(text(node));
          return false;
        case 'LabelFilter':
          if (node.getChild('Or')) throw new Error(`"or" in a label filter is not implemented: ${query}`);
          return undefined;
        case 'Matcher':
        case 'NumberFilter':
          filters.push(matcherOf(node));
          return false;
        case 'LineFilter':
        case 'LineFormatExpr':
        case 'LabelFormatExpr':
        case 'DropLabelsExpr':
        case 'KeepLabelsExpr':
          throw new Error(`${node.name} is not implemented by this check: ${query}`);
        case 'Grouping':
          for (const id of node.getChild('Labels')?.getChildren('Identifier') ?? []) groupBy.push(text(id));
          return false;
        default:
          return undefined;
      }
    },
  });
  return { selector, parsers, filters, groupBy };
}

function allMatchers(node: SyntaxNode): SyntaxNode[] {
  return [...node.getChildren('Matchers').flatMap(allMatchers), ...node.getChildren('Matcher')];
}

/** Whether a label (or parsed field) value satisfies a matcher, as Loki compares them. */
export function satisfies(value: unknown, matcher: LabelMatcher): boolean {
  const actual = value === undefined || value === null ? '' : String(value);
  switch (matcher.op) {
    case '=':
      return actual === String(matcher.value);
    case '!=':
      return actual !== String(matcher.value);
    case '=~':
      return new RegExp(`^(?:${matcher.value})$`, 's').test(actual);
    case '!~':
      return !new RegExp(`^(?:${matcher.value})$`, 's').test(actual);
    default: {
      if (actual === '' || Number.isNaN(Number(actual))) return false;
      const a = Number(actual);
      const b = Number(matcher.value);
      return matcher.op === '>'
        ? a > b
        : matcher.op === '>='
          ? a >= b
          : matcher.op === '<'
            ? a < b
            : matcher.op === '<='
              ? a <= b
              : a === b;
    }
  }
}
