import { describe, expect, it } from 'vitest';
import { auditVerdict } from './audit.verdict';

const report = (
  vulnerabilities: Record<string, { severity: string; via: unknown[]; fixAvailable?: boolean }>,
) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: { vulnerabilities: { info: 0, low: 1, moderate: 0, high: 1, critical: 0, total: 2 } },
  });

describe('auditVerdict', () => {
  it('reports an advisory endpoint the registry refuses as not checked, never as clean', () => {
    const stdout = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      error: { summary: '', detail: '' },
    });
    const verdict = auditVerdict(stdout, 'npm error audit endpoint returned an error\n');
    expect(verdict).toEqual({
      kind: 'unavailable',
      reason:
        '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk (HTTP 405)',
    });
  });

  it('reports output that is not a report (network down) as not checked, with npm’s own words', () => {
    expect(auditVerdict('', 'npm error code ENOTFOUND\nnpm error network request failed\n')).toEqual({
      kind: 'unavailable',
      reason: 'code ENOTFOUND',
    });
  });

  it('fails on high and critical advisories only, naming the packages', () => {
    const verdict = auditVerdict(
      report({
        'left-pad': { severity: 'low', via: [] },
        'evil-parser': { severity: 'high', via: [], fixAvailable: true },
      }),
      '',
    );
    expect(verdict).toMatchObject({ kind: 'vulnerable', findings: ['evil-parser (high, fix available)'] });
  });

  it('passes a report with only low and moderate advisories', () => {
    expect(auditVerdict(report({ 'left-pad': { severity: 'moderate', via: [] } }), '')).toMatchObject({
      kind: 'clean',
    });
  });
});
