// Types of the hunting, stitching and validation routes (issue 8); they mirror
// packages/service/src/api/CONTRACT.md "Advanced hunting, stitching, validation".

export interface Process {
  fileName: string;
  folderPath: string | null;
  processId: number;
  commandLine: string | null;
  sha256: string | null;
  sha1: string | null;
  accountName: string | null;
  accountDomain: string | null;
  creationTime: string | null;
}

export interface RootCause {
  process: Process;
  parents: Process[];
  confidence: number;
  confidenceLevel: 'high' | 'medium' | 'low';
  query: string;
  connection: {
    timestamp: string;
    remoteIp: string | null;
    remotePort: number | null;
    remoteUrl: string | null;
    protocol: string | null;
    actionType: string | null;
  };
  candidates: { process: Process; timestamp: string; score: number }[];
  evidence?: Record<string, unknown>[];
}

export interface HuntingDiagnostic {
  message: string;
  severity: 'error' | 'warning';
  line: number;
  column: number;
  length: number;
}

export interface HuntingCheck {
  ok: boolean;
  diagnostics: HuntingDiagnostic[];
}

export interface HuntingColumn {
  name: string;
  type: string;
}

export interface UsedOfLimit {
  used: number;
  limit: number;
}

export interface HuntingQuota {
  tenantId: string;
  api: 'mde' | 'graph';
  available: boolean;
  reason: string | null;
  calls: { minute: UsedOfLimit; hour: UsedOfLimit };
  cpuSeconds: { hour: UsedOfLimit; day: UsedOfLimit };
}

export interface HuntingResult {
  runId: string;
  tenantId: string;
  api: 'mde' | 'graph';
  columns: HuntingColumn[];
  rows: Record<string, unknown>[];
  rowCount: number;
  executionSeconds: number | null;
  quota: HuntingQuota;
}

export interface HuntingRun {
  id: string;
  tenantId: string;
  purpose: 'user' | 'stitch' | 'probe';
  query: string;
  api: 'mde' | 'graph' | null;
  state: 'succeeded' | 'failed' | 'refused';
  rowCount: number | null;
  executionSeconds: number | null;
  error: string | null;
  startedAt: string;
  durationMs: number | null;
}

export interface SavedQuery {
  id: string;
  name: string;
  query: string;
  createdAt: string;
  updatedAt: string;
}

export interface HuntingSchema {
  tables: { name: string; columns: HuntingColumn[] }[];
}

export interface ValidationInput {
  host: string;
  alternateHostnames?: string[];
  start: string;
  end: string;
  expectedTechniques?: string[];
  grace?: string;
  tenantId?: string;
}

export interface ValidationAlert {
  id: string;
  title: string;
  severity: string;
  techniques: string[];
  detectionSource: string | null;
  category: string | null;
  firstActivity: string | null;
  createdAt: string | null;
  latencySeconds: number | null;
}

export type ValidationState = 'polling' | 'detected' | 'missed' | 'failed';

export interface Validation {
  id: string;
  tenantId: string;
  host: string;
  machineId: string | null;
  hostNames: string[];
  start: string;
  end: string;
  graceSeconds: number;
  expectedTechniques: string[];
  state: ValidationState;
  detected: boolean | null;
  alerts: ValidationAlert[];
  latencySeconds: number | null;
  techniques: { seen: string[]; missing: string[] };
  polls: number;
  pollUntil: string;
  requestedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
}
