/** Where JSON text stops being valid: 1-based line and column, and what was expected there. */
export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}

/**
 * Parses JSON text; on a syntax error, returns its place and a one-line problem found by a small
 * RFC 8259 scanner (V8's messages vary by Node version and some carry no position).
 */
export function parseJsonText(text: string): { ok: true; value: unknown } | ({ ok: false } & JsonSyntaxError) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const found = scan(text) ?? { at: 0, problem: (error as Error).message.split('\n')[0] };
    const before = text.slice(0, found.at).split('\n');
    return { ok: false, line: before.length, column: before[before.length - 1].length + 1, problem: found.problem };
  }
}

/** The offset and problem of the first syntax error, or undefined when the text is valid. */
function scan(text: string): { at: number; problem: string } | undefined {
  let i = 0;
  const fail = (problem: string): never => {
    throw { at: i, problem };
  };
  const char = () => (i < text.length ? `'${text[i]}'` : 'the end of the text');
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const expect = (c: string) => (text[i] === c ? i++ : fail(`expected '${c}', found ${char()}`));
  const digits = () => {
    if (!/[0-9]/.test(text[i] ?? '')) fail(`expected a digit, found ${char()}`);
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i];
      if (c === '"') return void i++;
      if (c < ' ') fail('control character in a string (escape it)');
      if (c === '\\') {
        i++;
        if (text[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 5;
        else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i])) i++;
        else fail('bad escape in a string');
      } else i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) return void i++;
      for (;;) {
        if (close === '}') {
          space();
          if (text[i] !== '"') fail(`expected a double-quoted key, found ${char()}`);
          string();
          space();
          expect(':');
        }
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail(`expected ',' or '${close}', found ${char()}`);
      }
    }
    if (c === '"') return string();
    if (c === '-' || /[0-9]/.test(c ?? '')) {
      if (c === '-') i++;
      if (text[i] === '0') i++;
      else digits();
      if (text[i] === '.') {
        i++;
        digits();
      }
      if (text[i] === 'e' || text[i] === 'E') {
        i++;
        if (text[i] === '+' || text[i] === '-') i++;
        digits();
      }
      return;
    }
    for (const word of ['true', 'false', 'null']) if (text.startsWith(word, i)) return void (i += word.length);
    fail(i < text.length ? `unexpected ${char()}` : 'unexpected end of the text');
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${char()} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (error && typeof error === 'object' && 'at' in error) return error as { at: number; problem: string };
    throw error;
  }
}
