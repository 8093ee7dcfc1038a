import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import pino from 'pino';
import httpMetrics from '../plugins/metrics';
import { createRealtimeMetrics } from '../modules/realtime/realtime.metrics';
import { createAppMetrics } from './metrics';
import type { JobQueue } from '../infra/jobs';

const INFRA = fileURLToPath(new URL('../../../../infra/', import.meta.url));
const ALERTS = `${INFRA}prometheus/alerts.yml`;
const DASHBOARD = `${INFRA}grafana/trading-twin.dashboard.json`;

/** Every series name the BFF, worker and ML processes export. */
async function exportedNames(): Promise<Set<string>> {
  const registry = new Registry();
  const queue = {
    onEvent: () => undefined,
    stats: async () => ({ waiting: 0, active: 0, delayed: 0, dead: 0 }),
  };
  createAppMetrics(registry).observeJobQueue(queue as unknown as JobQueue, pino({ level: 'silent' }));
  createRealtimeMetrics(registry);
  const app = Fastify();
  await app.register(httpMetrics, { registry });
  await app.ready();
  await app.close();
  return new Set(registry.getMetricsAsArray().map((metric) => metric.name));
}

/** The application series an expression reads (histogram suffixes folded into the family). */
function seriesIn(expr: string): string[] {
  const names = expr.match(/\b(?:jobs|ws|http|imports|bias|ml|broker|market)_[a-z_]+\b/g) ?? [];
  return [...new Set(names.map((name) => name.replace(/_(bucket|count|sum)$/, '')))];
}

const rules = (
  parse(readFileSync(ALERTS, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }
).groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};

function promtool(): string | undefined {
  return spawnSync('promtool', ['--version']).status === 0 ? 'promtool' : undefined;
}

describe('infra/prometheus/alerts.yml', () => {
  it("has the blueprint's three alerts, reading only series the processes export", async () => {
    const names = await exportedNames();
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining(['JobQueueFailureRateHigh', 'WebSocketErrorRateHigh', 'ApiLatencyP95High']),
    );
    for (const rule of rules) {
      expect(seriesIn(rule.expr).length, `${rule.alert} reads application series`).toBeGreaterThan(0);
      for (const series of seriesIn(rule.expr))
        expect(names, `${rule.alert} reads ${series}`).toContain(series);
    }
    expect(rules.find((rule) => rule.alert === 'JobQueueFailureRateHigh')!.expr).toMatch(/> 0\.02/);
    expect(rules.find((rule) => rule.alert === 'WebSocketErrorRateHigh')!.expr).toMatch(
      /\[1m\][\s\S]*> 0\.01/,
    );
    expect(rules.find((rule) => rule.alert === 'ApiLatencyP95High')!.expr).toMatch(/0\.95[\s\S]*> 0\.8/);
  });

  it('passes promtool check rules and its rule unit tests (alerts.test.yml)', () => {
    const tool = promtool();
    if (!tool) {
      // .ci/run installs Debian's prometheus package, so CI always runs the check.
      expect(process.env.CI, 'promtool must be installed in CI').toBeFalsy();
      return;
    }
    expect(execFileSync(tool, ['check', 'rules', ALERTS], { encoding: 'utf8' })).toContain(
      'SUCCESS: 8 rules found',
    );
    const unit = spawnSync(tool, ['test', 'rules', 'alerts.test.yml'], {
      cwd: `${INFRA}prometheus`,
      encoding: 'utf8',
    });
    expect(unit.status, unit.stdout + unit.stderr).toBe(0);
  });
});

describe('infra/grafana dashboard', () => {
  it("has the blueprint's panels, each reading only series the processes export", async () => {
    const names = await exportedNames();
    expect(dashboard.panels.map((panel) => panel.title)).toEqual(
      expect.arrayContaining([
        'Imports per minute',
        'Bias share by label (last 24 h)',
        'WebSocket push latency p50 / p95',
        'Job failures per queue',
        'API latency p50 / p95 / p99',
      ]),
    );
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) {
        for (const series of seriesIn(target.expr))
          expect(names, `${panel.title} reads ${series}`).toContain(series);
      }
    }
  });
});
