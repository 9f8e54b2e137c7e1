import { useState } from 'react';
import type { Alert, DeviceVulnerability, HostDetail, MachineAction, Software } from '../../api/types.js';
import { AlertPanel } from '../../components/alert-panel.js';
import {
  actionColumns,
  alertColumns,
  deviceVulnerabilityColumns,
  softwareColumns,
} from '../../components/columns.js';
import { useLocalListState } from '../../components/list-state.js';
import { ListView } from '../../components/list-view.js';
import { EmptyState } from '../../components/status.js';
import { ResponseRequestsList } from './response-requests.js';

const hostPath = (host: HostDetail, list: string) => `/hosts/${encodeURIComponent(host.id)}/${list}`;

export function HostAlertsTab({ host }: { host: HostDetail }) {
  const state = useLocalListState();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className={open ? 'with-panel' : ''}>
      <ListView<Alert>
        caption={`Alerts on ${host.name}`}
        path={hostPath(host, 'alerts')}
        state={state}
        columns={alertColumns(false)}
        rowKey={(a) => a.id}
        sortable={false}
        onRowClick={(a) => setOpen(a.id)}
        selectedKey={open}
        empty={<EmptyState title="Defender has raised no alert on this host." />}
      />
      {open && <AlertPanel id={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

export function HostVulnerabilitiesTab({ host }: { host: HostDetail }) {
  const state = useLocalListState();
  return (
    <ListView<DeviceVulnerability>
      caption={`Vulnerabilities on ${host.name}`}
      path={hostPath(host, 'vulnerabilities')}
      state={state}
      columns={deviceVulnerabilityColumns}
      rowKey={(v) => `${v.cveId}/${v.productName}/${v.productVersion}`}
      empty={
        <EmptyState title="No known vulnerability on this host.">
          Vulnerabilities come from Defender Vulnerability Management and appear after the next vulnerability
          sync.
        </EmptyState>
      }
    />
  );
}

export function HostSoftwareTab({ host }: { host: HostDetail }) {
  const state = useLocalListState();
  return (
    <ListView<Software>
      caption={`Software on ${host.name}`}
      path={hostPath(host, 'software')}
      state={state}
      columns={softwareColumns}
      rowKey={(s) => `${s.id}/${s.version ?? ''}`}
      sortable={false}
      empty={<EmptyState title="No software inventory for this host yet." />}
    />
  );
}

export function HostActionsTab({ host }: { host: HostDetail }) {
  const state = useLocalListState();
  return (
    <div className="stack">
      <h2 className="section-heading">Response requests</h2>
      <ResponseRequestsList host={host} />
      <h2 className="section-heading">Defender machine actions</h2>
      <ListView<MachineAction>
        caption={`Actions on ${host.name}`}
        path={hostPath(host, 'actions')}
        state={state}
        columns={actionColumns(false)}
        rowKey={(a) => a.id}
        sortable={false}
        empty={<EmptyState title="No response action has been run on this host." />}
      />
    </div>
  );
}
