/**
 * `base` + `path`, keeping any path prefix of `base` (`http://host/sandbox` + `/api/v3/time` →
 * `http://host/sandbox/api/v3/time`), which `new URL(path, base)` would drop.
 */
export function joinUrl(base: string, path: string): URL {
  return new URL(`${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
}
