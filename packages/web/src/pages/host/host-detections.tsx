import type { HostDetail } from '../../api/types.js';
import type { Detection } from '../../api/types-detections.js';
import { detectionColumns } from '../../components/detection-parts.js';
import { useLocalListState } from '../../components/list-state.js';
import { ListView } from '../../components/list-view.js';
import { EmptyState } from '../../components/status.js';
import { navigate } from '../../router.js';

/** The host page's Detections tab (issue 7): network detections matched to this device, newest first. */
export function HostDetectionsTab({ host }: { host: HostDetail }) {
  const state = useLocalListState();
  return (
    <ListView<Detection>
      caption={`Detections on ${host.name}`}
      path={`/hosts/${encodeURIComponent(host.id)}/detections`}
      state={state}
      columns={detectionColumns(false)}
      rowKey={(d) => d.id}
      sortable={false}
      onRowClick={(d) => navigate(`/detections/${encodeURIComponent(d.id)}`)}
      empty={<EmptyState title="No network detection has been matched to this host." />}
    />
  );
}
