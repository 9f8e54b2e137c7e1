import type { RootCause } from '../api/types-hunting.js';

// Placeholder (issue 8): the stitched root cause of a detection — the process, its parent chain, confidence.
export function RootCauseView({ rootCause }: { rootCause: RootCause | null }) {
  return rootCause ? <p>{rootCause.process.fileName}</p> : <p>Not stitched yet.</p>;
}
