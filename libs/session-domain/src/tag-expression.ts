import { quote } from '@cobrowse/contracts';

/**
 * Tag expressions (SPEC section 6): `,` = OR, `+` = AND, `@` = SUBSET (every tag of the
 * session is in the listed set), parentheses group; precedence `@` > `+` > `,`; operands of
 * `@` are tag names; white space is ignored; matching is case-sensitive.
 */
export type TagExpression =
  | { kind: 'tag'; tag: string }
  | { kind: 'subset'; tags: string[] }
  | { kind: 'and'; operands: TagExpression[] }
  | { kind: 'or'; operands: TagExpression[] };

export class TagExpressionError extends Error {
  constructor(
    message: string,
    /** 0-based character position in the original expression. */
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'TagExpressionError';
  }
}

/** SPEC section 9: longer or deeper expressions are refused before they are parsed. */
export const MAX_TAG_EXPRESSION_LENGTH = 1000;
export const MAX_TAG_EXPRESSION_DEPTH = 32;

type Token =
  { type: 'tag'; value: string; position: number } | { type: ',' | '+' | '@' | '(' | ')'; position: number };

const OPERATORS = new Set([',', '+', '@', '(', ')']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (OPERATORS.has(ch)) {
      tokens.push({ type: ch as ',' | '+' | '@' | '(' | ')', position: i });
      i++;
    } else {
      const start = i;
      let value = '';
      // White space inside a name is ignored too: "vip tier" reads as "viptier".
      while (i < input.length && !OPERATORS.has(input[i])) {
        if (!/\s/.test(input[i])) value += input[i];
        i++;
      }
      tokens.push({ type: 'tag', value, position: start });
    }
  }
  return tokens;
}

class Parser {
  private index = 0;
  /** Open parentheses around the current position: bounds the recursion whatever the input. */
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  parse(): TagExpression {
    if (this.tokens.length === 0) throw new TagExpressionError('empty expression', 0);
    const expression = this.or();
    const extra = this.peek();
    if (extra) throw new TagExpressionError(`unexpected ${quote(this.text(extra))}`, extra.position);
    return expression;
  }

  private or(): TagExpression {
    const operands = [this.and()];
    while (this.peek()?.type === ',') {
      this.index++;
      operands.push(this.and());
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private and(): TagExpression {
    const operands = [this.subset()];
    while (this.peek()?.type === '+') {
      this.index++;
      operands.push(this.subset());
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  private subset(): TagExpression {
    const first = this.primary();
    if (this.peek()?.type !== '@') return first;
    if (first.kind !== 'tag')
      throw new TagExpressionError('the operands of "@" must be tag names', this.peek()!.position);
    const tags = [first.tag];
    while (this.peek()?.type === '@') {
      this.index++;
      const next = this.peek();
      if (next?.type !== 'tag') {
        throw new TagExpressionError('the operands of "@" must be tag names', next?.position ?? this.length);
      }
      this.index++;
      tags.push(next.value);
    }
    return { kind: 'subset', tags };
  }

  private primary(): TagExpression {
    const token = this.peek();
    if (!token) throw new TagExpressionError('expected a tag or "("', this.length);
    if (token.type === 'tag') {
      this.index++;
      return { kind: 'tag', tag: token.value };
    }
    if (token.type === '(') {
      if (++this.depth > MAX_TAG_EXPRESSION_DEPTH)
        throw new TagExpressionError(
          `parentheses nest deeper than ${MAX_TAG_EXPRESSION_DEPTH} levels`,
          token.position,
        );
      this.index++;
      const inner = this.or();
      this.depth--;
      const close = this.peek();
      if (close?.type !== ')') throw new TagExpressionError('expected ")"', close?.position ?? this.length);
      this.index++;
      return inner;
    }
    throw new TagExpressionError(
      `expected a tag or "(" but found ${quote(this.text(token))}`,
      token.position,
    );
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private text(token: Token): string {
    return token.type === 'tag' ? token.value : token.type;
  }
}

export function parseTagExpression(input: string): TagExpression {
  if (input.length > MAX_TAG_EXPRESSION_LENGTH)
    throw new TagExpressionError(
      `the expression is longer than ${MAX_TAG_EXPRESSION_LENGTH} characters`,
      MAX_TAG_EXPRESSION_LENGTH,
    );
  return new Parser(tokenize(input), input.length).parse();
}

/** Whether a session with these tags matches; untagged sessions match every expression. */
export function matchesTagExpression(expression: TagExpression, tags: readonly string[]): boolean {
  if (tags.length === 0) return true;
  const set = new Set(tags);
  const evaluate = (e: TagExpression): boolean => {
    switch (e.kind) {
      case 'tag':
        return set.has(e.tag);
      case 'subset':
        return tags.every((t) => e.tags.includes(t));
      case 'and':
        return e.operands.every(evaluate);
      case 'or':
        return e.operands.some(evaluate);
    }
  };
  return evaluate(expression);
}
