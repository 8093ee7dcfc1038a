import { useMutation, useQueryClient } from '@tanstack/react-query';
import { WS_LIMITS, type TradeDetailDto } from '@tt/shared';
import { useId, useState, type FormEvent } from 'react';
import { queryKeys } from '../../api/query-keys';
import { FormError } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import { useLive } from '../../realtime/live-context';

/** The trader's own journal on this trade. */
export function NotesPanel({ trade, timeZone }: { trade: TradeDetailDto; timeZone: string }) {
  const live = useLive();
  const queryClient = useQueryClient();
  const textId = useId();
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: (note: string) => live.send<'note.add'>({ type: 'note.add', tradeId: trade.id, text: note }),
    onSuccess: (ack) => {
      setText('');
      queryClient.setQueryData<TradeDetailDto>(queryKeys.trade(trade.id), (old) =>
        old ? { ...old, notes: [...old.notes.filter((n) => n.id !== ack.note.id), ack.note] } : old,
      );
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim()) add.mutate(text);
  }
  return (
    <section className="card" aria-labelledby="notes-heading">
      <h2 id="notes-heading">Notes</h2>
      {trade.notes.length === 0 ? (
        <p className="muted">No notes yet. What were you thinking when you placed this trade?</p>
      ) : (
        <ul className="notes">
          {trade.notes.map((note) => (
            <li key={note.id}>
              <p className="note-text">{note.text}</p>
              <p className="muted small">{formatDateTime(note.createdAt, timeZone)}</p>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor={textId}>Add a note</label>
          <textarea
            id={textId}
            rows={3}
            maxLength={WS_LIMITS.noteMaxLength}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <FormError error={add.error} />
        <button
          type="submit"
          className="button secondary"
          disabled={!text.trim() || add.isPending || live.status !== 'open'}
        >
          {add.isPending ? 'Saving…' : 'Save note'}
        </button>
      </form>
    </section>
  );
}
