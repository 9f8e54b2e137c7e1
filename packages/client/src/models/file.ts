import { type Static, Type } from 'typebox';
import { Nullable } from './common.js';

// Spec 4.11. Key sets/types from recorded 2023 responses (swimlane get_file_information,
// get_file_statistics) matching the XSOAR mocks the spec cites.

/** `GET /api/files/{sha1}` (context `#Files/$entity`). */
export const FileInfo = Type.Object({
  sha1: Type.String(),
  sha256: Type.String(),
  md5: Type.String(),
  globalPrevalence: Type.Integer(),
  globalFirstObserved: Type.String(),
  globalLastObserved: Type.String(),
  size: Type.Integer(),
  fileType: Nullable(Type.String()),
  isPeFile: Type.Boolean(),
  filePublisher: Nullable(Type.String()),
  fileProductName: Nullable(Type.String()),
  signer: Nullable(Type.String()),
  issuer: Nullable(Type.String()),
  signerHash: Nullable(Type.String()),
  isValidCertificate: Nullable(Type.Boolean()),
  determinationType: Type.String(), // e.g. Unknown; values NOT FOUND
  determinationValue: Nullable(Type.String()),
});
export type FileInfo = Static<typeof FileInfo>;

/** `GET /api/files/{sha1}/stats` (context `#microsoft.windowsDefenderATP.api.InOrgFileStats`). */
export const FileStats = Type.Object({
  sha1: Type.String(),
  orgPrevalence: Type.String(), // numeric string
  organizationPrevalence: Type.Integer(),
  orgFirstSeen: Nullable(Type.String()),
  orgLastSeen: Nullable(Type.String()),
  globalPrevalence: Type.String(), // numeric string
  globallyPrevalence: Type.Integer(),
  globalFirstObserved: Nullable(Type.String()),
  globalLastObserved: Nullable(Type.String()),
  topFileNames: Type.Array(Type.String()),
});
export type FileStats = Static<typeof FileStats>;
