export {
  DEFENDER_ROLES,
  describeMissing,
  FEATURE_REQUIREMENTS,
  type Feature,
  type FeatureMatrix,
  type FeatureStatus,
  Features,
  featureMatrix,
  GRAPH_ROLES,
  rolesOf,
} from './feature-matrix.js';
