/**
 * `$filter` tokenizer (OData v4 URL conventions, the subset Defender's docs and clients use).
 *
 * Input is the *decoded* query value (URLSearchParams has already turned `+` into a space and `%27` into
 * `'`). Tokens carry their 0-based character position so every syntax error can point at it.
 */
import type { DefenderError } from '../errors.js';
import { errors } from '../errors.js';
import { parseInstant } from './datetime.js';

/** Longest `$filter` accepted, in characters (real URLs top out around 8 KB anyway). */
export const MAX_FILTER_LENGTH = 8192;

export type Punct = '(' | ')' | ',' | '/' | ':';

export type Token =
  | { kind: 'string'; value: string; text: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  /** `value` is epoch ms. */
  | { kind: 'datetime'; value: number; text: string; pos: number }
  /** `value` is the GUID in lower case. */
  | { kind: 'guid'; value: string; text: string; pos: number }
  | { kind: 'ident'; value: string; text: string; pos: number }
  | { kind: 'punct'; value: Punct; text: string; pos: number }
  | { kind: 'eof'; text: ''; pos: number };

/** Quotes (a prefix of) the filter for error messages. */
export function quoteFilter(text: string): string {
  return text.length > 200 ? `'${text.slice(0, 200)}...'` : `'${text}'`;
}

export function syntaxError(text: string, pos: number, detail: string): DefenderError {
  return errors.odata(`Syntax error at position ${pos} in $filter ${quoteFilter(text)}: ${detail}`);
}

const DATETIME_RE =
  /(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?)?(Z|[+-]\d{2}:\d{2})?/y;
/** `+hh:mm` whose `+` was decoded to a space by form decoding (`...T00:00:00+02:00` sent unencoded). */
const SPACE_OFFSET_RE = / (\d{2}):(\d{2})(?![0-9A-Za-z_.:])/y;
const GUID_RE =
  /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z_])/y;
const NUMBER_RE = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const IDENT_RE = /[A-Za-z_$][A-Za-z0-9_]*/y;
const WORD_CHAR = /[0-9A-Za-z_.]/;

/** Hints for characters people type out of habit from other languages. */
const CHAR_HINTS: Record<string, string> = {
  '=': "use 'eq' (or 'ne', 'ge', 'le')",
  '!': "use 'ne' or 'not'",
  '<': "use 'lt' or 'le'",
  '>': "use 'gt' or 'ge'",
  '&': "use 'and'",
  '|': "use 'or'",
  '"': 'string literals use single quotes',
  '+': "arithmetic is not supported (in a URL, an unencoded '+' means a space)",
  '*': 'arithmetic is not supported',
};

function stickyMatch(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

export function tokenize(text: string): Token[] {
  if (text.length > MAX_FILTER_LENGTH) {
    throw errors.odata(
      `The $filter expression is too long (${text.length} characters; the limit is ${MAX_FILTER_LENGTH})`,
    );
  }
  const tokens: Token[] = [];
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    const c = text[pos];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      pos++;
      continue;
    }
    const start = pos;
    if (c === "'") {
      let value = '';
      pos++;
      for (;;) {
        if (pos >= n)
          throw syntaxError(text, start, `unterminated string literal starting at position ${start}`);
        const ch = text[pos];
        if (ch === "'") {
          if (text[pos + 1] === "'") {
            value += "'";
            pos += 2;
            continue;
          }
          pos++;
          break;
        }
        value += ch;
        pos++;
      }
      tokens.push({ kind: 'string', value, text: text.slice(start, pos), pos: start });
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '/' || c === ':') {
      tokens.push({ kind: 'punct', value: c, text: c, pos: start });
      pos++;
      continue;
    }
    if (c >= '0' && c <= '9') {
      const dt = stickyMatch(DATETIME_RE, text, pos);
      if (dt) {
        let raw = dt[0];
        let end = pos + raw.length;
        let normalized = raw;
        if (dt[4] !== undefined && dt[8] === undefined) {
          const sp = stickyMatch(SPACE_OFFSET_RE, text, end);
          if (sp) {
            normalized = `${raw}+${sp[1]}:${sp[2]}`;
            raw = text.slice(pos, end + sp[0].length);
            end += sp[0].length;
          }
        }
        if (end < n && (WORD_CHAR.test(text[end]) || text[end] === ':')) {
          throw syntaxError(text, start, `invalid datetime literal '${text.slice(start, end + 1)}'`);
        }
        const ms = parseInstant(normalized);
        if (ms === null) throw syntaxError(text, start, `invalid datetime literal '${raw}'`);
        tokens.push({ kind: 'datetime', value: ms, text: raw, pos: start });
        pos = end;
        continue;
      }
    }
    if (/[0-9a-fA-F]/.test(c)) {
      const g = stickyMatch(GUID_RE, text, pos);
      if (g) {
        tokens.push({ kind: 'guid', value: g[0].toLowerCase(), text: g[0], pos: start });
        pos += g[0].length;
        continue;
      }
    }
    if ((c >= '0' && c <= '9') || (c === '-' && /[0-9]/.test(text[pos + 1] ?? ''))) {
      const m = stickyMatch(NUMBER_RE, text, pos)!;
      const end = pos + m[0].length;
      if (end < n && WORD_CHAR.test(text[end])) {
        let bad = end;
        while (bad < n && WORD_CHAR.test(text[bad])) bad++;
        throw syntaxError(text, start, `invalid number literal '${text.slice(start, bad)}'`);
      }
      const value = Number(m[0]);
      if (!Number.isFinite(value)) throw syntaxError(text, start, `number literal '${m[0]}' is out of range`);
      tokens.push({ kind: 'number', value, text: m[0], pos: start });
      pos = end;
      continue;
    }
    if (c === '-') {
      throw syntaxError(text, start, "the operator '-' (negation/subtraction) is not supported");
    }
    const id = stickyMatch(IDENT_RE, text, pos);
    if (id) {
      tokens.push({ kind: 'ident', value: id[0], text: id[0], pos: start });
      pos += id[0].length;
      continue;
    }
    const hint = CHAR_HINTS[c];
    const shown = JSON.stringify(c).slice(1, -1);
    throw syntaxError(text, start, `unexpected character '${shown}'${hint ? ` (${hint})` : ''}`);
  }
  tokens.push({ kind: 'eof', text: '', pos: n });
  return tokens;
}
