import type { ReactNode } from 'react';
import type { HostDetail } from '../../api/types.js';
import { Badge } from '../../components/badge.js';
import { formatRelative, formatTime } from '../../format.js';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** How network sessions were tied to this device (context/match-host.ts), in words. */
const matchByLabel: Record<string, string> = {
  dnsName: 'DNS name',
  alternateName: 'Alternate host name',
  shortName: 'Short host name',
  ipAtTime: 'IP address at the time seen',
  currentIp: 'Current IP address',
  findByIp: 'IP address (Defender look-up)',
};

/** Defender's context for one device (C5): identity, OS, isolation, health, addresses, tags, portal links. */
export function HostDetailsTab({ host }: { host: HostDetail }) {
  const history = [...(host.ipAddresses ?? [])].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt),
  );
  return (
    <div className="details-grid">
      <section className="card">
        <h2>Microsoft Defender for Endpoint</h2>
        <dl className="facts">
          <Fact label="Machine ID">
            <code className="selectable">{host.id}</code>
          </Fact>
          <Fact label="Name">{host.name}</Fact>
          <Fact label="Operating system">{host.os ?? '—'}</Fact>
          <Fact label="OS version">{host.osVersion ?? '—'}</Fact>
          <Fact label="Isolation status">
            <Badge value={host.isolationState} />
            {host.isolation?.requestedBy && (
              <span className="muted small">
                {' '}
                by {host.isolation.requestedBy}
                {host.isolation.at ? `, ${formatTime(host.isolation.at)}` : ''}
              </span>
            )}
          </Fact>
          <Fact label="Health">
            <Badge value={host.healthStatus} />
            {host.health?.since && (
              <span className="muted small"> since {formatTime(host.health.since)}</span>
            )}
          </Fact>
          <Fact label="Onboarding">{host.onboardingStatus ?? '—'}</Fact>
          <Fact label="Last seen">
            {formatTime(host.lastSeen)} <span className="muted small">({formatRelative(host.lastSeen)})</span>
          </Fact>
          <Fact label="First seen">{formatTime(host.firstSeen)}</Fact>
          <Fact label="Risk score">
            <Badge value={host.riskScore} />
          </Fact>
          <Fact label="Exposure level">
            <Badge value={host.exposureLevel} />
          </Fact>
          <Fact label="Device value">{host.deviceValue ?? '—'}</Fact>
          <Fact label="Device group">{host.deviceGroup ?? '—'}</Fact>
          <Fact label="Tags">
            {host.tags?.length ? (
              <span className="tag-list">
                {host.tags.map((tag) => (
                  <span key={tag} className="tag">
                    {tag}
                  </span>
                ))}
              </span>
            ) : (
              'None'
            )}
          </Fact>
          {host.match && (
            <Fact label="Matched by">
              {matchByLabel[host.match.by] ?? host.match.by}
              <span className="muted small">
                {' '}
                ({[host.match.hostname, host.match.ip].filter(Boolean).join(', ') || 'network session'}, last{' '}
                {formatRelative(host.match.lastSeenAt)})
              </span>
            </Fact>
          )}
          <Fact label="Entra device ID">{host.aadDeviceId ? <code>{host.aadDeviceId}</code> : '—'}</Fact>
          <Fact label="Tenant">{host.tenantName}</Fact>
        </dl>
      </section>

      <div className="stack">
        <section className="card">
          <h2>Defender portal</h2>
          {host.links ? (
            <ul className="link-list">
              <li>
                <a href={host.links.overview} target="_blank" rel="noopener noreferrer">
                  Device overview ↗
                </a>
              </li>
              <li>
                <a href={host.links.vulnerabilities} target="_blank" rel="noopener noreferrer">
                  Vulnerabilities ↗
                </a>
              </li>
              <li>
                <a href={host.links.alerts} target="_blank" rel="noopener noreferrer">
                  Alerts ↗
                </a>
              </li>
            </ul>
          ) : (
            <p className="muted">
              This tenant's cloud has no known Defender portal (a custom or emulated cloud), so there are no
              links.
            </p>
          )}
        </section>

        <section className="card">
          <h2>IP addresses</h2>
          <dl className="facts">
            <Fact label="Current">{host.lastIpAddress ? <code>{host.lastIpAddress}</code> : '—'}</Fact>
            <Fact label="External">
              {host.lastExternalIpAddress ? <code>{host.lastExternalIpAddress}</code> : '—'}
            </Fact>
          </dl>
          {history.length > 0 && (
            <div className="table-wrap">
              <table className="table table-compact">
                <caption className="visually-hidden">IP address history</caption>
                <thead>
                  <tr>
                    <th scope="col">Address</th>
                    <th scope="col">First seen</th>
                    <th scope="col">Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {history.map((entry) => (
                    <tr key={`${entry.ip}-${entry.firstSeenAt}`}>
                      <td>
                        <code>{entry.ip}</code> {entry.current && <Badge tone="ok" label="Current" />}
                      </td>
                      <td>{formatTime(entry.firstSeenAt)}</td>
                      <td>{formatTime(entry.lastSeenAt)}</td>
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
