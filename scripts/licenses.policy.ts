/**
 * The licences production dependencies may carry. Permissive licences only: MIT, ISC, Apache-2.0,
 * BSD-2/3-Clause, 0BSD, BlueOak-1.0.0, CC0-1.0 and Unlicense. MPL-2.0 is left out on purpose: it is
 * file-level copyleft, so the first dependency that needs it is a decision to take, not a default.
 */
export const ALLOWED_LICENSES = new Set([
  'MIT',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
]);

/**
 * Whether an SPDX expression is acceptable: `A OR B` needs one allowed side, `A AND B` both,
 * parentheses group, `WITH` exceptions are judged by their licence. Anything unparseable is not.
 */
export function licenseAllowed(expression: string, allowed: ReadonlySet<string> = ALLOWED_LICENSES): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];

  function primary(): boolean {
    const token = next();
    if (token === '(') {
      const inner = or();
      if (next() !== ')') throw new Error('unbalanced parentheses');
      return inner;
    }
    if (!token || ['AND', 'OR', 'WITH', ')'].includes(token)) throw new Error(`unexpected ${token ?? 'end'}`);
    if (peek() === 'WITH') {
      next();
      next();
    }
    return allowed.has(token.replace(/\+$/, ''));
  }
  function and(): boolean {
    let result = primary();
    while (peek() === 'AND') {
      next();
      result = primary() && result;
    }
    return result;
  }
  function or(): boolean {
    let result = and();
    while (peek() === 'OR') {
      next();
      result = and() || result;
    }
    return result;
  }
  try {
    const result = or();
    return position === tokens.length && result;
  } catch {
    return false;
  }
}

interface LockEntry {
  license?: unknown;
  dev?: boolean;
  link?: boolean;
}

export interface LicenseFinding {
  name: string;
  version: string;
  license: string;
}

/** Every third-party package the production tree installs (package-lock v3), with its licence. */
export function productionLicenses(lock: {
  packages: Record<string, LockEntry & { version?: string }>;
}): LicenseFinding[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.includes('node_modules/') && !entry.dev && !entry.link)
    .map(([path, entry]) => ({
      name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: entry.version ?? '?',
      license: typeof entry.license === 'string' ? entry.license : 'UNKNOWN',
    }));
}
