import type { ScenarioResult } from '@tt/shared';
import { useCallback, useMemo } from 'react';
import type uPlot from 'uplot';
import { UPlotChart } from '../../charts/uplot-chart';
import { Pnl } from '../../components/pnl';
import { simulationColumns } from '../../lib/chart-series';
import { formatDateTime, formatMoney } from '../../lib/format';
import { differenceInWords } from '../../lib/simulation-text';

const ACTUAL = '#1d4ed8';

const COUNTERFACTUAL = '#c2410c';

/** One counterfactual: the numbers first (what it would have changed), then the chart of both paths. */
export function ScenarioCard({
  scenario,
  quote,
  timeZone,
}: {
  scenario: ScenarioResult;
  quote: string;
  timeZone: string;
}) {
  const data = useMemo(() => simulationColumns(scenario.series) as uPlot.AlignedData, [scenario.series]);
  const options = useCallback(
    (lib: typeof uPlot): Omit<uPlot.Options, 'width' | 'height'> => ({
      // Ticks and the legend in the trader's own zone; uPlot picks the tick spacing.
      tzDate: (ts) => lib.tzDate(new Date(ts * 1000), timeZone),
      scales: { x: { time: true } },
      axes: [{}, { label: `P&L (${quote})`, size: 70 }],
      series: [
        { value: (_u, t) => (t == null ? '—' : formatDateTime(new Date(t * 1000).toISOString(), timeZone)) },
        {
          label: 'Actual',
          stroke: ACTUAL,
          width: 2,
          points: { show: false },
          value: (_u, v) => (v == null ? '—' : formatMoney(v.toFixed(2))),
        },
        {
          label: scenario.title,
          stroke: COUNTERFACTUAL,
          width: 2,
          dash: [6, 4],
          points: { show: false },
          value: (_u, v) => (v == null ? '—' : formatMoney(v.toFixed(2))),
        },
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
      <p className="small">{differenceInWords(scenario.difference, quote)}</p>
      <p className="muted small">
        {scenario.positions} position{scenario.positions === 1 ? '' : 's'} ·{' '}
        {scenario.feesIncluded ? 'fees included' : 'fees not included'}
      </p>
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
