/**
 * What `npm audit --omit=dev --audit-level=high --json` said, in one of three verdicts. The
 * registry this project installs from may not serve npm's advisory endpoint (it answers 405 to
 * the bulk POST): then nothing was checked, and the verdict says so instead of passing.
 */
export type AuditVerdict =
  | { kind: 'clean'; counts: Record<string, number> }
  | { kind: 'vulnerable'; counts: Record<string, number>; findings: string[] }
  | { kind: 'unavailable'; reason: string };

const BLOCKING = ['high', 'critical'];

interface AuditReport {
  statusCode?: number;
  message?: string;
  error?: unknown;
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { severity: string; via: unknown[]; fixAvailable?: unknown }>;
}

export function auditVerdict(stdout: string, stderr: string): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(stdout) as AuditReport;
  } catch {
    return { kind: 'unavailable', reason: firstLine(stderr) ?? 'npm audit printed no report' };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    const status = report.statusCode ? ` (HTTP ${report.statusCode})` : '';
    return {
      kind: 'unavailable',
      reason: `${report.message ?? firstLine(stderr) ?? 'no advisory data'}${status}`,
    };
  }
  const findings = Object.entries(report.vulnerabilities ?? {})
    .filter(([, v]) => BLOCKING.includes(v.severity))
    .map(([name, v]) => `${name} (${v.severity}${v.fixAvailable ? ', fix available' : ''})`);
  return findings.length > 0 ? { kind: 'vulnerable', counts, findings } : { kind: 'clean', counts };
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.replace(/^npm (error|warn) /, '').trim())
    .find((line) => line.length > 0);
}
