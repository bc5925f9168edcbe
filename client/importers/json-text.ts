/** JSON parsing for importers: syntax errors become a `PlanError` naming the file, the line and the column. */
import { PlanError } from '../../common/plan-schema';

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * The offset of the first syntax error in `text`, or undefined when it is valid JSON. `JSON.parse` names the
 * position for some errors only ("Unexpected token 'C', ...\"title:\"Cre\"... is not valid JSON" has none).
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const string = () => {
    i++;
    while (i < n) {
      const c = text[i];
      if (c === '"') return void i++;
      if (c < ' ') throw i;
      i += c === '\\' ? 2 : 1;
    }
    throw n;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') throw i;
          string();
          ws();
          if (text[i] !== ':') throw i;
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else throw i;
      }
    }
    if (c === '"') return string();
    for (const lit of ['true', 'false', 'null']) if (text.startsWith(lit, i)) return void (i += lit.length);
    number.lastIndex = i;
    if (number.exec(text)) return void (i = number.lastIndex);
    throw i;
  };
  try {
    value();
    ws();
    return i < n ? i : undefined;
  } catch (pos) {
    if (typeof pos === 'number') return pos;
    throw pos;
  }
}

/** "invalid JSON at line 3, column 7: Unexpected token ..." from a `JSON.parse` error of `text`. */
export function describeJsonError(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const reason = message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s+(?:in JSON )?at position \d+/, '')
    .replace(/^JSON\.parse: /, '')
    .replace(/^(Unexpected token '.+?'),.*is not valid JSON$/s, '$1') // V8 quotes a snippet, newlines and all
    .replace(/\s+/g, ' ');
  const given = /at position (\d+)/.exec(message);
  const offset = given ? Number(given[1]) : jsonErrorOffset(text);
  if (offset === undefined) return `invalid JSON: ${reason}`;
  const { line, column } = lineColumn(text, offset);
  const why = offset >= text.length || /end of JSON input/i.test(message) ? 'the text ends in the middle of a value' : reason;
  return `invalid JSON at line ${line}, column ${column}: ${why}`;
}

/** `JSON.parse`, or a `PlanError` naming `file` and where the text breaks. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PlanError(file, [describeJsonError(err, text)]);
  }
}
