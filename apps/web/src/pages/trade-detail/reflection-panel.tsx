import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CoachTone, TradeDetailDto } from '@tt/shared';
import { useId, useState } from 'react';
import { queryKeys } from '../../api/query-keys';
import { FormError } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import { useLive } from '../../realtime/live-context';

type Reflection = TradeDetailDto['reflections'][number];

const TONES: { value: CoachTone; label: string; hint: string }[] = [
  { value: 'supportive', label: 'Supportive', hint: 'encouraging, one habit to try' },
  { value: 'strict', label: 'Strict', hint: 'direct, no cushioning' },
];

function latest(reflections: Reflection[]): Reflection | undefined {
  return [...reflections].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
}

/** The coach's latest reflection on this trade, a tone switch that asks for a new one, and thumbs. */
export function ReflectionPanel({
  trade,
  timeZone,
  defaultTone,
}: {
  trade: TradeDetailDto;
  timeZone: string;
  defaultTone: CoachTone;
}) {
  const live = useLive();
  const queryClient = useQueryClient();
  const groupId = useId();
  const current = latest(trade.reflections);
  const [tone, setTone] = useState<CoachTone>(
    current?.tone === 'strict' || current?.tone === 'supportive' ? current.tone : defaultTone,
  );
  const patch = (update: (t: TradeDetailDto) => TradeDetailDto) =>
    queryClient.setQueryData<TradeDetailDto>(queryKeys.trade(trade.id), (old) => (old ? update(old) : old));

  const ask = useMutation({
    mutationFn: (asked: CoachTone) =>
      live.send<'chat.ask_reflection'>({ type: 'chat.ask_reflection', tradeId: trade.id, tone: asked }),
    onSuccess: (ack) =>
      patch((t) => ({
        ...t,
        reflections: [...t.reflections.filter((r) => r.id !== ack.reflection.id), ack.reflection],
      })),
  });
  const feedback = useMutation({
    mutationFn: (vote: { reflectionId: string; value: 'up' | 'down' }) =>
      live.send<'chat.feedback'>({ type: 'chat.feedback', ...vote }),
    onSuccess: (ack) =>
      patch((t) => ({
        ...t,
        reflections: t.reflections.map((r) =>
          r.id === ack.reflectionId ? { ...r, feedback: ack.value } : r,
        ),
      })),
  });
  const offline = live.status !== 'open';

  return (
    <section className="card" aria-labelledby="reflection-heading">
      <h2 id="reflection-heading">Your coach’s reflection</h2>
      {current ? (
        <blockquote className="reflection" aria-live="polite">
          <p>{current.text}</p>
          <footer className="muted">
            {current.tone} tone · {formatDateTime(current.createdAt, timeZone)}
          </footer>
        </blockquote>
      ) : (
        <p className="muted">No reflection yet. Ask for one below.</p>
      )}
      <fieldset className="tone-switch">
        <legend>Tone</legend>
        {TONES.map((t) => (
          <label key={t.value} className="radio">
            <input
              type="radio"
              name={groupId}
              value={t.value}
              checked={tone === t.value}
              onChange={() => setTone(t.value)}
            />
            {t.label} <span className="muted">({t.hint})</span>
          </label>
        ))}
      </fieldset>
      <div className="row-actions">
        <button
          type="button"
          className="button"
          onClick={() => ask.mutate(tone)}
          disabled={offline || ask.isPending}
        >
          {ask.isPending
            ? 'Asking your coach…'
            : current
              ? `Ask again in a ${tone} tone`
              : `Ask for a ${tone} reflection`}
        </button>
        {current ? (
          <>
            <button
              type="button"
              className="button secondary"
              aria-pressed={current.feedback === 'up'}
              disabled={offline || feedback.isPending}
              onClick={() => feedback.mutate({ reflectionId: current.id, value: 'up' })}
            >
              Helpful
            </button>
            <button
              type="button"
              className="button secondary"
              aria-pressed={current.feedback === 'down'}
              disabled={offline || feedback.isPending}
              onClick={() => feedback.mutate({ reflectionId: current.id, value: 'down' })}
            >
              Not helpful
            </button>
          </>
        ) : null}
      </div>
      {offline ? (
        <p className="muted">The live coach is reconnecting; asking and voting come back when it is live.</p>
      ) : null}
      <FormError error={ask.error ?? feedback.error} />
    </section>
  );
}
