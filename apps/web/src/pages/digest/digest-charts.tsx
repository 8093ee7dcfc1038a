import type { DigestPayload } from '@tt/shared';
import { useCallback, useMemo } from 'react';
import type uPlot from 'uplot';
import { UPlotChart } from '../../charts/uplot-chart';
import { BIAS_LABEL_COLOURS, BIAS_LABEL_INFO } from '../../lib/bias-labels';
import { labelCosts, stackWeeks } from '../../lib/chart-series';
import { formatMoney } from '../../lib/format';

const shortDay = new Intl.DateTimeFormat('en-GB', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const weekName = (iso: string) => `Week of ${shortDay.format(new Date(iso))}`;

/** Tags per week, stacked: one band per label, the raw count in the legend and in the table. */
export function LabelsByWeekChart({ history }: { history: DigestPayload['history'] }) {
  const stacked = useMemo(() => stackWeeks(history), [history]);
  // Drawn from the tallest stack down, so each label's band shows in front of the ones above it.
  const drawOrder = useMemo(() => [...stacked.labels].reverse(), [stacked.labels]);
  const data = useMemo(
    () =>
      [
        stacked.weeks.map((_, i) => i),
        ...drawOrder.map((label) => stacked.tops[label]!),
      ] as uPlot.AlignedData,
    [stacked, drawOrder],
  );
  const options = useCallback(
    (lib: typeof uPlot): Omit<uPlot.Options, 'width' | 'height'> => ({
      scales: {
        x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [
        {
          values: (_u, ticks) =>
            ticks.map((t) =>
              Number.isInteger(t) && stacked.weeks[t] ? shortDay.format(new Date(stacked.weeks[t]!)) : '',
            ),
        },
        { label: 'Trades tagged' },
      ],
      series: [
        {
          label: 'Week',
          value: (_u, i) => (i == null || !stacked.weeks[i] ? '—' : weekName(stacked.weeks[i]!)),
        },
        ...drawOrder.map((label) => ({
          label: BIAS_LABEL_INFO[label].name,
          fill: BIAS_LABEL_COLOURS[label],
          stroke: BIAS_LABEL_COLOURS[label],
          // Bars are fills; a stroke would draw a line for every empty week.
          width: 0,
          paths: lib.paths.bars!({ size: [0.6, 80] }),
          points: { show: false },
          value: (_u: uPlot, _v: number | null, _s: number, i: number | null) =>
            i == null ? '—' : String(stacked.counts[label]![i] ?? 0),
        })),
      ],
    }),
    [stacked, drawOrder],
  );
  if (stacked.weeks.length === 0 || stacked.labels.length === 0)
    return <p className="muted">No tagged trades in these weeks.</p>;
  return (
    <>
      <UPlotChart
        options={options}
        data={data}
        label={`Tags per week over the last ${stacked.weeks.length} weeks; the numbers are in the table below.`}
      />
      <div className="table-wrap">
        <table className="data-table">
          <caption className="sr-only">Tags per week</caption>
          <thead>
            <tr>
              <th scope="col">Tag</th>
              {stacked.weeks.map((w) => (
                <th scope="col" key={w} className="num">
                  {shortDay.format(new Date(w))}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {stacked.labels.map((label) => (
              <tr key={label}>
                <th scope="row">{BIAS_LABEL_INFO[label].name}</th>
                {stacked.counts[label]!.map((count, i) => (
                  <td key={stacked.weeks[i]} className="num">
                    {count}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Realised P&L per label this week: bars below zero are what the habit cost. */
export function CostPerLabelChart({ labels }: { labels: DigestPayload['labels'] }) {
  const costs = useMemo(() => labelCosts(labels), [labels]);
  const data = useMemo(() => [costs.map((_, i) => i), costs.map((c) => c.pnl)] as uPlot.AlignedData, [costs]);
  const options = useCallback(
    (lib: typeof uPlot): Omit<uPlot.Options, 'width' | 'height'> => ({
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } },
      axes: [
        {
          values: (_u, ticks) =>
            ticks.map((t) => (Number.isInteger(t) && costs[t] ? BIAS_LABEL_INFO[costs[t]!.label].name : '')),
          // Eight tag names do not fit side by side on a half-width card.
          rotate: -35,
          size: 80,
        },
        { label: 'Realised P&L', size: 70 },
      ],
      series: [
        {
          label: 'Tag',
          value: (_u, i) => (i == null || !costs[i] ? '—' : BIAS_LABEL_INFO[costs[i]!.label].name),
        },
        {
          label: 'Realised P&L',
          fill: '#1d4ed8',
          stroke: '#1d4ed8',
          width: 0,
          paths: lib.paths.bars!({ size: [0.6, 80] }),
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : formatMoney(v.toFixed(2), true)),
        },
      ],
    }),
    [costs],
  );
  if (costs.length === 0) return <p className="muted">No tagged trades this week.</p>;
  return (
    <>
      <UPlotChart
        options={options}
        data={data}
        label="Realised P&L per tag this week; the numbers are in the table below."
      />
      <table className="data-table">
        <caption className="sr-only">Realised P&amp;L per tag</caption>
        <thead>
          <tr>
            <th scope="col">Tag</th>
            <th scope="col" className="num">
              Trades
            </th>
            <th scope="col" className="num">
              Realised P&amp;L
            </th>
          </tr>
        </thead>
        <tbody>
          {costs.map((c) => (
            <tr key={c.label}>
              <th scope="row">{BIAS_LABEL_INFO[c.label].name}</th>
              <td className="num">{c.count}</td>
              <td className={`num ${c.pnl < 0 ? 'loss' : c.pnl > 0 ? 'gain' : ''}`}>
                {formatMoney(c.pnlText, true)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
