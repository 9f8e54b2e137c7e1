export type { Scenario } from './generator/types.js';
export {
  ALL_DEFENDER_ROLES,
  ALL_GRAPH_ROLES,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from './server.js';
export { type License, Licenses } from './state/emulator-state.js';
