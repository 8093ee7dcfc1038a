import { SANDBOX_ACCOUNTS } from '../traders/trader.accounts';

/**
 * The sandbox's OAuth consent page. Plain HTML with a labelled account picker and two named
 * buttons, no script at all, so it works under a strict CSP and for keyboard and screen-reader users.
 */

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1f24}
main{max-width:34rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;font-weight:600;margin:1.25rem 0 .25rem}
select{font:inherit;padding:.4rem;width:100%}.hint{color:#4a5563;font-size:.9rem;margin:.25rem 0 0}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}button{font:inherit;padding:.6rem 1.4rem;border-radius:8px;border:1px solid #1b1f24;cursor:pointer}
button[value=allow]{background:#0b57d0;border-color:#0b57d0;color:#fff}button:focus-visible{outline:3px solid #f9ab00;outline-offset:2px}
code{background:#eef0f3;padding:0 .25rem;border-radius:4px}`;

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface ConsentPageInput {
  /** Where the form posts: the authorize path with the same query. */
  actionUrl: string;
  clientId: string;
  scopes: readonly string[];
}

export function renderConsentPage(input: ConsentPageInput): string {
  const scopes =
    input.scopes.length > 0
      ? `<ul>${input.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('')}</ul>`
      : '<p>No particular permission.</p>';
  const options = (Object.keys(SANDBOX_ACCOUNTS) as (keyof typeof SANDBOX_ACCOUNTS)[])
    .map((account, i) => {
      const fills = SANDBOX_ACCOUNTS[account].toLocaleString('en-US');
      return `<option value="${account}"${i === 0 ? ' selected' : ''}>${account}: about ${fills} fills in 30 days</option>`;
    })
    .join('');
  return page(
    'Authorize access – broker sandbox',
    `<h1>Connect your sandbox Coinbase account</h1>
<p><strong>${escapeHtml(input.clientId)}</strong> asks for access to your sandbox account with these permissions:</p>
${scopes}
<p class="hint">This is the broker sandbox: a local exchange with made-up traders. No real account or money is involved.</p>
<form method="post" action="${escapeHtml(input.actionUrl)}">
<label for="account">Sandbox account</label>
<select id="account" name="account" aria-describedby="account-hint">${options}</select>
<p id="account-hint" class="hint">Whose trading history to share.</p>
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`,
  );
}

export function renderErrorPage(title: string, message: string): string {
  return page(`${title} – broker sandbox`, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

/** Headers for the sandbox's HTML pages: no framing (clickjacking), no script, forms only to `formTargets`. */
export function pageHeaders(formTargets: readonly string[] = []): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      `form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}
