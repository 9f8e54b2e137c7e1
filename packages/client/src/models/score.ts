import { type Static, Type } from 'typebox';

// Spec 4.9. Doc examples only.

/** `GET /api/exposureScore` (context `#ExposureScore/$entity`). score: double 0–100. */
export const ExposureScore = Type.Object({
  time: Type.String(),
  score: Type.Number(),
});
export type ExposureScore = Static<typeof ExposureScore>;

/** `GET /api/exposureScore/ByMachineGroups` collection item. */
export const ExposureScoreByMachineGroup = Type.Object({
  time: Type.String(),
  score: Type.Number(),
  rbacGroupName: Type.String(), // null for ungrouped devices: UNSURE
});
export type ExposureScoreByMachineGroup = Static<typeof ExposureScoreByMachineGroup>;

/** `GET /api/configurationScore` (context `#ConfigurationScore/$entity`). Integer in the doc example; typed as number. */
export const ConfigurationScore = Type.Object({
  time: Type.String(),
  score: Type.Number(),
});
export type ConfigurationScore = Static<typeof ConfigurationScore>;
