/** A rule's host name pattern that cannot be used; `field` names the input it came from. */
export class ProfileRuleInputError extends Error {
  override name = 'ProfileRuleInputError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const GLOB = /^[A-Za-z0-9.*?_-]{1,253}$/;
const MAX_REGEX_LENGTH = 256;

/**
 * A host name test from a rule's pattern, case-insensitive and always whole-name: a glob (`*-dc*`, `web??`;
 * letters, digits, `.`, `-`, `_`, `*`, `?`) or a regex anchored at both ends (`^nyc-(dc|ad)\d+$`). A pattern
 * that is neither throws ProfileRuleInputError.
 */
export function compileHostnamePattern(pattern: string): (hostname: string) => boolean {
  if (pattern.startsWith('^') || pattern.endsWith('$')) {
    if (!(pattern.startsWith('^') && pattern.endsWith('$')) || pattern.length < 3) {
      throw invalid('a regex pattern must be anchored at both ends (^…$)');
    }
    if (pattern.length > MAX_REGEX_LENGTH)
      throw invalid(`a regex pattern is at most ${MAX_REGEX_LENGTH} characters`);
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, 'i');
    } catch (err) {
      throw invalid(`not a valid regex: ${(err as Error).message}`);
    }
    return (hostname) => regex.test(hostname);
  }
  if (!GLOB.test(pattern)) {
    throw invalid('a glob may hold letters, digits, ".", "-", "_", "*" and "?" (or give a regex as ^…$)');
  }
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.]/g, '\\.')))
    .join('');
  const regex = new RegExp(`^${body}$`, 'i');
  return (hostname) => regex.test(hostname);
}

const invalid = (reason: string) => new ProfileRuleInputError(reason, 'hostnamePattern');
