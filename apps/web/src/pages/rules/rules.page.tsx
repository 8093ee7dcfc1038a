import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RuleDto } from '@tt/shared';
import { useId, useState, type FormEvent } from 'react';
import { fieldErrors } from '../../api/problem';
import { queryKeys } from '../../api/query-keys';
import { rulesApi } from '../../api/rules.api';
import { TextField } from '../../components/field';
import { PageHeading } from '../../components/page-heading';
import { ErrorState, FormError, Loading } from '../../components/states';
import {
  RULE_FORMS,
  defaultParams,
  describeProvenance,
  inputsToParams,
  paramToInput,
} from '../../lib/rule-forms';

function RuleCard({ rule }: { rule: RuleDto }) {
  const queryClient = useQueryClient();
  const form = RULE_FORMS[rule.kind];
  const headingId = useId();
  const activeId = useId();
  const initial = () =>
    Object.fromEntries(form.fields.map((f) => [f.key, paramToInput(f, rule.params[f.key])]));
  const [inputs, setInputs] = useState<Record<string, string>>(initial);
  const [active, setActive] = useState(rule.active);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: rulesApi.upsert,
    onSuccess: (saved) => {
      queryClient.setQueryData<RuleDto[]>(queryKeys.rules, (list) =>
        list?.map((r) => (r.kind === saved.kind ? saved : r)),
      );
      setInputs(Object.fromEntries(form.fields.map((f) => [f.key, paramToInput(f, saved.params[f.key])])));
    },
  });
  const serverErrors = fieldErrors(save.error);
  const provenance = describeProvenance(rule.provenance);

  function submit(event: FormEvent) {
    event.preventDefault();
    const { params, errors } = inputsToParams(form, inputs);
    setLocalErrors(errors);
    if (Object.keys(errors).length === 0) save.mutate({ kind: rule.kind, params, active });
  }

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {form.title}{' '}
        <span
          className={`badge ${rule.isDefault ? '' : provenance.length > 0 ? 'badge-personal' : 'badge-custom'}`}
        >
          {rule.isDefault ? 'Default' : provenance.length > 0 ? 'Personalised' : 'Your setting'}
        </span>
      </h2>
      <p>{form.description}</p>
      {provenance.length > 0 ? (
        <div className="provenance">
          <p>Tuned to your own history:</p>
          <ul>
            {provenance.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <form onSubmit={submit} className="rule-form" noValidate>
        {form.fields.map((field) => (
          <TextField
            key={field.key}
            label={field.label}
            name={field.key}
            inputMode="decimal"
            hint={field.hint}
            value={inputs[field.key] ?? ''}
            onChange={(e) => setInputs({ ...inputs, [field.key]: e.target.value })}
            error={localErrors[field.key] ?? serverErrors[field.key]}
          />
        ))}
        <div className="field checkbox">
          <input
            id={activeId}
            type="checkbox"
            checked={active}
            onChange={(e) => setActive(e.target.checked)}
          />
          <label htmlFor={activeId}>Rule is on</label>
        </div>
        <FormError error={save.error} fields={form.fields.map((f) => f.key)} />
        {save.isSuccess ? <p role="status">Saved. Your trades are being re-tagged.</p> : null}
        <div className="row-actions">
          <button type="submit" className="button" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          {!rule.isDefault ? (
            <button
              type="button"
              className="button secondary"
              disabled={save.isPending}
              onClick={() => {
                setActive(rule.kind !== 'avoidSpikeOverPct');
                save.mutate({
                  kind: rule.kind,
                  params: defaultParams(rule.kind),
                  active: rule.kind !== 'avoidSpikeOverPct',
                });
              }}
            >
              Reset to default
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}

export default function RulesPage() {
  const rules = useQuery({ queryKey: queryKeys.rules, queryFn: rulesApi.list });
  return (
    <>
      <PageHeading title="Rules">
        <p className="muted">
          The thresholds your coach uses to tag trades. After 30 trades they adjust to your own history; you
          can always set or reset them.
        </p>
      </PageHeading>
      {rules.isPending ? (
        <Loading label="Loading your rules…" />
      ) : rules.isError ? (
        <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
      ) : (
        <div className="grid-2">
          {rules.data.map((rule) => (
            <RuleCard key={`${rule.kind}:${rule.updatedAt ?? 'default'}`} rule={rule} />
          ))}
        </div>
      )}
    </>
  );
}
