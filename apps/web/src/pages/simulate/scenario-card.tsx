import type { ScenarioResult } from '@tt/shared';
import { useCallback, useMemo } from 'react';
import type uPlot from 'uplot';
import { UPlotChart } from '../../charts/uplot-chart';
import { Pnl } from '../../components/pnl';
import { simulationColumns } from '../../lib/chart-series';
import { formatDateTime, formatMoney } from '../../lib/format';

const ACTUAL = '#1d4ed8';
const COUNTERFACTUAL = '#c2410c';

/** One counterfactual: the numbers first (what it would have changed), then the chart of both paths. */
export function ScenarioCard({ scenario, quote, timeZone }: { scenario: ScenarioResult; quote: string; timeZone: string }) {
  const data = useMemo(() => simulationColumns(scenario.series) as uPlot.AlignedData, [scenario.series]);
  const options = useCallback(
    (): Omit<uPlot.Options, 'width' | 'height'> => ({
      scales: { x: { time: true } },
      axes: [{ values: (_u, ticks) => ticks.map((t) => formatDateTime(new Date(t * 1000).toISOString(), timeZone)) }, { label: `P&L (${quote})`, size: 70 }],
      series: [
        { value: (_u, t) => (t == null ? '—' : formatDateTime(new Date(t * 1000).toISOString(), timeZone)) },
        { label: 'Actual', stroke: ACTUAL, width: 2, value: (_u, v) => (v == null ? '—' : formatMoney(String(v.toFixed(2)))) },
        { label: scenario.title, stroke: COUNTERFACTUAL, width: 2, dash: [6, 4], value: (_u, v) => (v == null ? '—' : formatMoney(String(v.toFixed(2)))) },
      ],
    }),
    [quote, scenario.title, timeZone],
  );
  const headingId = `scenario-${scenario.kind}`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{scenario.title}</h2>
      <p>{scenario.explanation}</p>
      <dl className="facts">
        <div>
          <dt>What you did</dt>
          <dd>
            <Pnl quote={scenario.actualPnl} pct={scenario.actualReturn} />
          </dd>
        </div>
        <div>
          <dt>What if</dt>
          <dd>
            <Pnl quote={scenario.counterfactualPnl} pct={scenario.counterfactualReturn} />
          </dd>
        </div>
        <div>
          <dt>Difference</dt>
          <dd>
            <Pnl quote={scenario.difference} /> {quote}
          </dd>
        </div>
      </dl>
      <p className="muted small">{scenario.feesIncluded ? 'Fees included.' : 'Fees not included.'}</p>
      {scenario.series.length > 1 ? (
        <UPlotChart
          options={options}
          data={data}
          label={`${scenario.title}: actual P&L ends at ${formatMoney(scenario.actualPnl)} ${quote}, the counterfactual at ${formatMoney(scenario.counterfactualPnl)} ${quote}.`}
        />
      ) : (
        <p className="muted">Not enough prices after the trade to draw this path.</p>
      )}
    </section>
  );
}
