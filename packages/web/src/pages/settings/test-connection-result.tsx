import type { TestConnectionFeature, TestConnectionResult, TestConnectionStep } from '../../api/types.js';
import { Badge } from '../../components/badge.js';

// The client names its steps in lower case (`dns`, `connection`, `token`, `permissions`, `api`, `license`,
// `clock`); they read better spelled out.
const stepNames: Record<string, string> = {
  dns: 'DNS',
  connection: 'Connection',
  token: 'Token',
  permissions: 'Permissions',
  api: 'API call',
  license: 'Licence',
  clock: 'Clock skew',
  latency: 'Latency',
};

const stepName = (step: TestConnectionStep) => stepNames[step.name] ?? step.name;
const available = (f: TestConnectionFeature) => f.available ?? f.enabled ?? false;
const missing = (f: TestConnectionFeature) => f.missing ?? (available(f) ? [] : (f.anyOf ?? []));

/** Each Test Connection step with ✓/✗ and why, then which features the granted permissions enable. */
export function TestConnectionReport({ result }: { result: TestConnectionResult }) {
  const features = Object.entries(result.features ?? {});
  const permissions = Object.entries(result.permissions ?? {});
  const failed = result.steps.filter((step) => !step.ok && step.required !== false);
  return (
    <section className="card test-report" aria-labelledby="test-report-title">
      <h2 id="test-report-title">
        Test Connection result{' '}
        {result.ok ? <Badge tone="ok" label="Passed" /> : <Badge tone="critical" label="Failed" />}
      </h2>
      {result.ok ? (
        <div className="notice notice-success" role="status">
          Connection OK: every required check passed.
        </div>
      ) : (
        <div className="notice notice-error" role="alert">
          <span>
            Connection failed
            {failed.length > 0 &&
              ` at ${failed.map((step) => `${stepName(step).toLowerCase()} (${step.detail})`).join('; ')}`}
          </span>
        </div>
      )}
      <ol className="steps">
        {result.steps.map((step, index) => (
          <li
            // Step names can repeat in principle; their order is fixed.
            // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced as a whole.
            key={index}
            className={
              step.ok ? 'step step-ok' : step.required === false ? 'step step-warn' : 'step step-failed'
            }
          >
            <span className="step-mark" aria-hidden="true">
              {step.ok ? '✓' : '✗'}
            </span>
            <div>
              <div className="step-name">
                {stepName(step)}
                <span className="visually-hidden">{step.ok ? ' passed' : ' did not pass'}</span>
                {step.required === false && <span className="muted small"> · informational</span>}
                {step.ms !== undefined && <span className="muted small"> · {step.ms} ms</span>}
              </div>
              {step.detail && <div className="step-detail">{step.detail}</div>}
            </div>
          </li>
        ))}
      </ol>
      {features.length > 0 && (
        <>
          <h3>Features and permissions</h3>
          <div className="table-wrap">
            <table className="table table-compact">
              <caption className="visually-hidden">Permissions matrix</caption>
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col">Status</th>
                  <th scope="col">Missing permissions</th>
                </tr>
              </thead>
              <tbody>
                {features.map(([feature, state]) => (
                  <tr key={feature}>
                    <td>{feature}</td>
                    <td>
                      {available(state) ? (
                        <Badge tone="ok" label="Available" />
                      ) : (
                        <Badge tone="high" label="Unavailable" />
                      )}
                    </td>
                    <td>
                      {missing(state).length ? (
                        <span className="tag-list">
                          {missing(state).map((role) => (
                            <code key={role} className="tag">
                              {role}
                            </code>
                          ))}
                        </span>
                      ) : (
                        '—'
                      )}
                      {state.reason && <div className="muted small">{state.reason}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {permissions.length > 0 && (
        <>
          <h3>Application permissions in the token</h3>
          <ul className="permission-list">
            {permissions.map(([name, granted]) => (
              <li key={name}>
                <span className={granted ? 'text-ok' : 'text-bad'} aria-hidden="true">
                  {granted ? '✓' : '✗'}
                </span>{' '}
                <code>{name}</code> {granted ? 'granted' : 'not granted'}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
