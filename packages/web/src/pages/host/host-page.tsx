import type { ReactNode } from 'react';
import { api } from '../../api/client.js';
import type { HostDetail } from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { Badge } from '../../components/badge.js';
import { PageHeader } from '../../components/page-header.js';
import { ResponseActionsBar } from '../../components/response-actions.js';
import { ErrorMessage, Loading } from '../../components/status.js';
import { type TabDef, Tabs } from '../../components/tabs.js';
import { Link, useQueryState } from '../../router.js';
import { HostDetailsTab } from './host-details-tab.js';
import { HostDetectionsTab } from './host-detections.js';
import { HostActionsTab, HostAlertsTab, HostSoftwareTab, HostVulnerabilitiesTab } from './host-lists.js';
import { LockdownWidget } from './lockdown-widget.js';
import { RiskTab } from './risk-tab.js';

// The host page's tabs, in order. Later issues add theirs here; the response actions and the lockdown widget
// (C8, C9) sit between the header and the tabs, so every tab shows them.
const tabs: (TabDef & { render: (host: HostDetail) => ReactNode })[] = [
  { id: 'details', label: 'Host Details', render: (host) => <HostDetailsTab host={host} /> },
  { id: 'risk', label: 'Risk', render: (host) => <RiskTab host={host} /> },
  { id: 'alerts', label: 'Alerts', render: (host) => <HostAlertsTab host={host} /> },
  {
    id: 'vulnerabilities',
    label: 'Vulnerabilities',
    render: (host) => <HostVulnerabilitiesTab host={host} />,
  },
  { id: 'software', label: 'Software', render: (host) => <HostSoftwareTab host={host} /> },
  { id: 'actions', label: 'Actions', render: (host) => <HostActionsTab host={host} /> },
  { id: 'detections', label: 'Detections', render: (host) => <HostDetectionsTab host={host} /> },
];

export function HostPage({ id }: { id: string }) {
  const host = useApi(() => api.get<HostDetail>(`/hosts/${encodeURIComponent(id)}`), `host:${id}`);
  const [search, set] = useQueryState();
  const selected = tabs.find((tab) => tab.id === search.get('tab')) ?? tabs[0];

  if (host.error) {
    return (
      <>
        <PageHeader title="Host not found" subtitle={<Link href="/hosts">Back to hosts</Link>} />
        <ErrorMessage
          error={
            host.error.status === 404
              ? new Error(
                  `No host with machine ID ${id} is visible to you (it may be outside your device groups).`,
                )
              : host.error
          }
          onRetry={host.error.status === 404 ? undefined : host.reload}
        />
      </>
    );
  }
  if (!host.data) return <Loading />;
  const h = host.data;
  const counted: TabDef[] = tabs.map((tab) =>
    tab.id === 'alerts' && h.counts?.activeAlerts
      ? { id: tab.id, label: `Alerts (${h.counts.activeAlerts})` }
      : tab.id === 'vulnerabilities' && h.counts?.vulnerabilities
        ? { id: tab.id, label: `Vulnerabilities (${h.counts.vulnerabilities})` }
        : tab,
  );

  return (
    <>
      <div className="breadcrumbs">
        <Link href="/hosts">Hosts</Link> / {h.name}
      </div>
      <PageHeader
        title={h.name}
        subtitle={
          <span className="header-facts">
            <span>
              {h.os ?? 'Unknown OS'} {h.osVersion ?? ''}
            </span>
            <span className="muted">·</span>
            <span>{h.tenantName}</span>
          </span>
        }
        actions={
          <div className="badge-row">
            <Badge value={h.healthStatus} />
            <Badge label={`Risk: ${h.riskScore ?? '—'}`} value={h.riskScore} />
            <Badge label={`Exposure: ${h.exposureLevel ?? '—'}`} value={h.exposureLevel} />
            <Badge value={h.isolationState} />
            {h.removed && <Badge tone="neutral" label="Removed from Defender" />}
          </div>
        }
      />
      {h.isPotentialDuplicate && (
        <div className="notice notice-info" role="status">
          Defender lists more than one device with this name; this record may be a duplicate
          {h.mergedIntoMachineId && (
            <>
              {' '}
              of{' '}
              <Link href={`/hosts/${encodeURIComponent(h.mergedIntoMachineId)}`}>
                {h.mergedIntoMachineId}
              </Link>
            </>
          )}
          .
        </div>
      )}
      <div className="host-controls">
        <LockdownWidget host={h} onChange={host.reload} />
        <ResponseActionsBar host={h} onRequested={host.reload} />
      </div>
      <Tabs
        label="Host views"
        tabs={counted}
        selected={selected.id}
        onSelect={(tab) => set({ tab: tab === 'details' ? null : tab })}
      >
        {selected.render(h)}
      </Tabs>
    </>
  );
}
