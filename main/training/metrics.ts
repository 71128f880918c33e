// The metric math lives in shared/metrics.ts (pure TS, also used for display); re-exported here
// so the trainer's imports stay local.
export { accuracy, macroF1 } from '../../shared/metrics';
