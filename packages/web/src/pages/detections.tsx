import type { Detection } from '../api/types-detections.js';
import { StitchStates } from '../api/types-detections.js';
import { detectionColumns, outcomeOptions } from '../components/detection-parts.js';
import { DateTimeFilter, FilterBar, FilterSelect, SearchBox } from '../components/filters.js';
import { useListState } from '../components/list-state.js';
import { ListView } from '../components/list-view.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState } from '../components/status.js';
import { humanize } from '../format.js';
import { navigate } from '../router.js';

// Network detections from an NDR or a SIEM (issue 7): each matched to a device, judged by the lockdown policies
// and later stitched to the process behind it (issue 8). Every filter lives in the URL.

const filterKeys = ['q', 'outcome', 'stitch', 'since', 'until', 'machineId', 'tenantId'];
const stitchOptions = StitchStates.map((value) => ({ value, label: humanize(value) }));

export function DetectionsPage() {
  const list = useListState(filterKeys);
  const { filters, setFilter } = list;
  return (
    <>
      <PageHeader
        title="Detections"
        subtitle="Network detections, the device each was matched to, what the lockdown policies did, and the root cause"
      />
      <FilterBar active={list.active} onClear={list.clearFilters}>
        <SearchBox
          label="Search detections"
          value={filters.q}
          placeholder="Host name or IP, remote IP, domain"
          onSearch={(v, o) => setFilter('q', v, o)}
        />
        <FilterSelect
          label="Lockdown outcome"
          value={filters.outcome}
          options={outcomeOptions}
          onChange={(v) => setFilter('outcome', v)}
        />
        <FilterSelect
          label="Stitch state"
          value={filters.stitch}
          options={stitchOptions}
          onChange={(v) => setFilter('stitch', v)}
        />
        <DateTimeFilter label="Since" value={filters.since} onChange={(v) => setFilter('since', v)} />
        <DateTimeFilter label="Until" value={filters.until} onChange={(v) => setFilter('until', v)} />
      </FilterBar>
      <ListView<Detection>
        caption="Detections"
        path="/detections"
        state={list}
        columns={detectionColumns(true)}
        rowKey={(d) => d.id}
        onRowClick={(d) => navigate(`/detections/${encodeURIComponent(d.id)}`)}
        empty={
          <EmptyState title="No detections yet.">
            An NDR or a SIEM sends them with <code>POST /api/v1/detections</code> (an API token with the{' '}
            <code>detections.submit</code> permission).
          </EmptyState>
        }
      />
    </>
  );
}
