import { printParseErrorCode, visit, type JSONVisitor, type ParseErrorCode } from 'jsonc-parser';

/** Where JSON text stops being valid: 1-based line and column, and what was expected there. */
export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}

/** Deeper nesting than this is refused before it is parsed (a suite needs five levels). */
export const MAX_JSON_DEPTH = 64;

/** One line per jsonc-parser error code, with what was found at the place. */
function describe(code: ParseErrorCode, found: string): string {
  // By name: the codes are a const enum, which isolated modules cannot read.
  switch (printParseErrorCode(code)) {
    case 'PropertyNameExpected':
      return `expected a double-quoted key, found ${found}`;
    case 'ValueExpected':
      return `expected a value, found ${found}`;
    case 'ColonExpected':
      return `expected ':', found ${found}`;
    case 'CommaExpected':
      return `expected ',', found ${found}`;
    case 'CloseBraceExpected':
      return `expected ',' or '}', found ${found}`;
    case 'CloseBracketExpected':
      return `expected ',' or ']', found ${found}`;
    case 'EndOfFileExpected':
      return `unexpected ${found} after the end of the JSON value`;
    case 'UnexpectedEndOfString':
      return 'unterminated string';
    case 'InvalidEscapeCharacter':
    case 'InvalidUnicode':
      return 'bad escape in a string';
    case 'InvalidCharacter':
      return 'control character in a string (escape it)';
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      return 'bad number';
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return 'comments are not JSON';
    default:
      return `unexpected ${found}`;
  }
}

/** The offset of the first bracket nested deeper than MAX_JSON_DEPTH (strings skipped), if any: a linear scan, no recursion. */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === '}' || c === ']') depth--;
  }
  return undefined;
}

/**
 * Parses JSON text strictly (RFC 8259: no comments, no trailing commas) with jsonc-parser, which
 * reports every error with its offset; it also refuses what JSON.parse would take silently: a key
 * set twice in one object (JSON.parse keeps the last) and nesting deeper than MAX_JSON_DEPTH.
 */
export function parseJsonText(text: string): { ok: true; value: unknown } | ({ ok: false } & JsonSyntaxError) {
  let first: { at: number; problem: string } | undefined;
  const fail = (at: number, problem: string) => (first ??= { at, problem });
  const deep = tooDeep(text);
  if (deep !== undefined) fail(deep, `nested deeper than ${MAX_JSON_DEPTH} levels`);
  const keys: Set<string>[] = [];
  const visitor: JSONVisitor = {
    onObjectBegin: () => void keys.push(new Set()),
    onObjectEnd: () => void keys.pop(),
    onObjectProperty: (property, offset) => {
      const seen = keys.at(-1);
      if (seen?.has(property)) fail(offset, `key ${JSON.stringify(property)} is set twice in one object; keep one`);
      seen?.add(property);
    },
    onError: (code, offset) => fail(offset, describe(code, offset < text.length ? `'${text[offset]}'` : 'the end of the text')),
  };
  // jsonc-parser recurses per level, so text nested too deep is not handed to it.
  if (deep === undefined) visit(text, visitor, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (!first) return { ok: true, value: JSON.parse(text) };
  const before = text.slice(0, first.at).split('\n');
  return { ok: false, line: before.length, column: before[before.length - 1].length + 1, problem: first.problem };
}
