import { useState } from 'react';
import { api } from '../../api/client.js';
import type { DeviceRiskWithHistory, HostDetail } from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { Badge } from '../../components/badge.js';
import { EmptyState, ErrorMessage } from '../../components/status.js';
import { Tabs } from '../../components/tabs.js';
import { formatNumber, formatTime } from '../../format.js';
import { Link } from '../../router.js';

const subTabs = [{ id: 'defender', label: 'Microsoft Defender' }];

/** An external link to the Defender portal. */
function PortalLink({ href, children }: { href: string; children: string }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children} ↗
    </a>
  );
}

/** The Risk tab (C6): a Defender sub-tab with the exposure and alert risk badges, the overall level and its reasons. */
export function RiskTab({ host }: { host: HostDetail }) {
  const [sub, setSub] = useState('defender');
  return (
    <Tabs label="Risk sources" tabs={subTabs} selected={sub} onSelect={setSub}>
      <DefenderRisk host={host} />
    </Tabs>
  );
}

function DefenderRisk({ host }: { host: HostDetail }) {
  const detail = useApi(
    (): Promise<DeviceRiskWithHistory | null> =>
      host.risk
        ? api.get<DeviceRiskWithHistory>(`/hosts/${encodeURIComponent(host.id)}/risk`)
        : Promise.resolve(null),
    `risk:${host.id}:${host.risk?.computedAt ?? ''}`,
  );
  const risk = host.risk;
  if (!risk) {
    return (
      <EmptyState title="Risk levels are not computed yet.">
        The bridge computes them after each sync of this tenant's devices, alerts, vulnerabilities or sensor
        health.
      </EmptyState>
    );
  }
  const links = host.links;
  const top = risk.topVulnerability;
  const count = `${formatNumber(risk.vulnerabilityCount)} ${risk.vulnerabilityCount === 1 ? 'vulnerability' : 'vulnerabilities'}`;
  return (
    <div className="details-grid">
      <div className="stack">
        <section className="card" aria-label="Exposure risk">
          <div className="card-title-row">
            <h2>Exposure risk</h2>
            <Badge label={`Exposure risk: ${risk.exposure}`} value={risk.exposure} />
          </div>
          {top ? (
            <>
              <p>
                <strong>{top.cveId}</strong>{' '}
                <span className="muted small">
                  {top.severity ?? 'Unrated'} · CVSS {top.cvssV3 ?? '—'} ·{' '}
                  {top.exploitAvailable ? 'exploit available' : 'no known exploit'}
                </span>
              </p>
              <p>{top.description ?? 'Defender gives no description for this vulnerability.'}</p>
            </>
          ) : (
            <p className="muted">Defender reports no vulnerabilities on this device.</p>
          )}
          <p>
            {links ? (
              <PortalLink href={links.vulnerabilities}>{count}</PortalLink>
            ) : (
              <>
                <span>{count}</span>{' '}
                <span className="muted small">
                  (no Defender portal link: this tenant's cloud is a custom or emulated one with no known
                  portal)
                </span>
              </>
            )}{' '}
            · <Link href={`/hosts/${encodeURIComponent(host.id)}?tab=vulnerabilities`}>list them here</Link>
          </p>
        </section>

        <section className="card" aria-label="Alert risk">
          <div className="card-title-row">
            <h2>Alert risk</h2>
            <Badge label={`Alert risk: ${risk.alert}`} value={risk.alert} />
          </div>
          {risk.topAlert ? (
            <p>
              Most severe active alert: <strong>{risk.topAlert.title ?? risk.topAlert.id}</strong>{' '}
              <Badge value={risk.topAlert.severity} />
            </p>
          ) : (
            <p className="muted">No active alerts.</p>
          )}
          {links ? (
            <ul className="link-list">
              <li>
                <PortalLink href={links.alerts}>Alerts of this device in Defender</PortalLink>
              </li>
              <li>
                <PortalLink href={links.overview}>Device overview in Defender</PortalLink>
              </li>
            </ul>
          ) : (
            <p className="muted small">
              No Defender portal links: this tenant's cloud is a custom or emulated one with no known portal.
            </p>
          )}
        </section>
      </div>

      <div className="stack">
        <section className="card" aria-label="Overall risk">
          <div className="card-title-row">
            <h2>Overall risk</h2>
            <Badge label={`Overall risk: ${risk.overall}`} value={risk.overall} />
          </div>
          <ol className="reasons">
            {risk.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ol>
          <p className="muted small">
            Recomputed after every sync; these levels and reasons are as computed{' '}
            {formatTime(risk.computedAt)}.
          </p>
        </section>

        <section className="card" aria-label="Risk history">
          <h2>Risk history</h2>
          {detail.error && <ErrorMessage error={detail.error} onRetry={detail.reload} />}
          {detail.data && (
            <div className="table-wrap">
              <table className="table table-compact">
                <caption className="visually-hidden">Risk level changes, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Changed</th>
                    <th scope="col">Overall</th>
                    <th scope="col">Exposure</th>
                    <th scope="col">Alert</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.data.history.map((entry) => (
                    <tr key={`${entry.at}-${entry.overall}-${entry.exposure}-${entry.alert}`}>
                      <td>{formatTime(entry.at)}</td>
                      <td>
                        <Badge value={entry.overall} />
                      </td>
                      <td>
                        <Badge value={entry.exposure} />
                      </td>
                      <td>
                        <Badge value={entry.alert} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
