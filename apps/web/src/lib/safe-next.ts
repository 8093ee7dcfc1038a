/** Where to go after signing in: only a path of ours; an absolute or protocol-relative `next` would be an open redirect. */
export function safeNext(next: string | null, fallback: string): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : fallback;
}
