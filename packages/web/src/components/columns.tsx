import type { Alert, DeviceVulnerability, MachineAction, Software, Vulnerability } from '../api/types.js';
import { formatDate, formatNumber, formatRelative, formatTime, humanize } from '../format.js';
import { Link } from '../router.js';
import { Badge } from './badge.js';
import type { Column } from './data-table.js';

// Columns shared by the global lists and the host page's tabs, so an alert looks the same in both.

const hostLink = (machineId: string | null, hostName: string | null) =>
  machineId ? (
    <Link href={`/hosts/${encodeURIComponent(machineId)}`} onClick={(event) => event.stopPropagation()}>
      {hostName ?? machineId}
    </Link>
  ) : (
    (hostName ?? '—')
  );

const when = (iso: string | null) => <span title={formatTime(iso)}>{formatRelative(iso)}</span>;

export const alertColumns = (withHost: boolean): Column<Alert>[] => [
  { key: 'severity', header: 'Severity', sort: 'severity', render: (a) => <Badge value={a.severity} /> },
  { key: 'title', header: 'Title', render: (a) => <span className="strong">{a.title}</span> },
  ...(withHost
    ? [{ key: 'host', header: 'Host', render: (a: Alert) => hostLink(a.machineId, a.hostName) }]
    : []),
  { key: 'status', header: 'Status', render: (a) => <Badge value={a.status} /> },
  { key: 'category', header: 'Category', render: (a) => humanize(a.category) },
  { key: 'source', header: 'Detection source', render: (a) => a.detectionSource ?? '—' },
  { key: 'created', header: 'Created', sort: 'createdAt', render: (a) => when(a.createdAt) },
  { key: 'updated', header: 'Last update', sort: 'lastUpdateTime', render: (a) => when(a.lastUpdateTime) },
];

export const actionColumns = (withHost: boolean): Column<MachineAction>[] => [
  { key: 'type', header: 'Action', render: (a) => <span className="strong">{humanize(a.type)}</span> },
  ...(withHost
    ? [{ key: 'host', header: 'Host', render: (a: MachineAction) => hostLink(a.machineId, a.hostName) }]
    : []),
  { key: 'status', header: 'Status', render: (a) => <Badge value={a.status} /> },
  { key: 'scope', header: 'Scope', render: (a) => a.scope ?? '—' },
  { key: 'requestor', header: 'Requested by', render: (a) => a.requestor ?? '—' },
  { key: 'comment', header: 'Comment', render: (a) => <span className="clamp">{a.comment ?? ''}</span> },
  { key: 'created', header: 'Created', render: (a) => when(a.createdAt) },
  { key: 'updated', header: 'Last update', render: (a) => when(a.lastUpdateTime) },
];

const exploit = (publicExploit: boolean, verified = false, inKit = false) =>
  inKit ? (
    <Badge tone="critical" label="Exploit kit" />
  ) : verified ? (
    <Badge tone="high" label="Verified exploit" />
  ) : publicExploit ? (
    <Badge tone="medium" label="Public exploit" />
  ) : (
    <span className="muted">None known</span>
  );

export const vulnerabilityColumns: Column<Vulnerability>[] = [
  { key: 'id', header: 'CVE', className: 'nowrap', render: (v) => <code className="strong">{v.id}</code> },
  { key: 'severity', header: 'Severity', render: (v) => <Badge value={v.severity} /> },
  { key: 'cvss', header: 'CVSS', sort: 'cvss', render: (v) => v.cvssV3?.toFixed(1) ?? '—' },
  {
    key: 'exploit',
    header: 'Exploit',
    render: (v) => exploit(v.publicExploit, v.exploitVerified, v.exploitInKit),
  },
  {
    key: 'description',
    header: 'Description',
    render: (v) => <span className="clamp">{v.description}</span>,
  },
  {
    key: 'exposed',
    header: 'Exposed devices',
    sort: 'exposedMachines',
    render: (v) => formatNumber(v.exposedMachines),
  },
  {
    key: 'published',
    header: 'Published',
    sort: 'published',
    className: 'nowrap',
    render: (v) => formatDate(v.publishedOn),
  },
];

export const deviceVulnerabilityColumns: Column<DeviceVulnerability>[] = [
  {
    key: 'cve',
    header: 'CVE',
    sort: 'cveId',
    className: 'nowrap',
    render: (v) => <code className="strong">{v.cveId}</code>,
  },
  { key: 'severity', header: 'Severity', sort: 'severity', render: (v) => <Badge value={v.severity} /> },
  { key: 'cvss', header: 'CVSS', sort: 'cvss', render: (v) => v.cvssV3?.toFixed(1) ?? '—' },
  { key: 'exploit', header: 'Exploit', render: (v) => exploit(v.publicExploit) },
  {
    key: 'product',
    header: 'Product',
    render: (v) => [v.productVendor, v.productName, v.productVersion].filter(Boolean).join(' ') || '—',
  },
  { key: 'kb', header: 'Fixing KB', render: (v) => v.fixingKbId ?? '—' },
  {
    key: 'description',
    header: 'Description',
    render: (v) => <span className="clamp">{v.description}</span>,
  },
];

export const softwareColumns: Column<Software>[] = [
  { key: 'name', header: 'Name', render: (s) => <span className="strong">{humanize(s.name)}</span> },
  { key: 'vendor', header: 'Vendor', render: (s) => humanize(s.vendor) },
  { key: 'version', header: 'Version', render: (s) => s.version ?? '—' },
  { key: 'weaknesses', header: 'Weaknesses', render: (s) => formatNumber(s.weaknesses) },
  { key: 'exploit', header: 'Exploit', render: (s) => exploit(s.publicExploit) },
  { key: 'exposed', header: 'Exposed devices', render: (s) => formatNumber(s.exposedMachines) },
];
