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
