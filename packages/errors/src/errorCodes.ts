// Every error code Pare uses, with the HTTP status it maps to unless a throw site says otherwise. The set is
// closed: a new failure mode gets a code here, and near-synonyms are not added next to an existing code.
export const ERROR_STATUS = {
  // Requests and options that a caller got wrong.
  input_invalid: 400,
  input_not_found: 400,
  input_type_unsupported: 400,
  input_unreachable: 400,
  option_invalid: 400,
  query_invalid: 400,
  window_invalid: 400,
  name_invalid: 400,
  weights_invalid: 400,
  job_spec_invalid: 400,
  body_too_large: 413,
  dtype_unsupported: 400,
  request_id_unknown: 400,
  feedback_exists: 409,
  // Models, manifests, tokenizers and the files they come in.
  onnx_invalid: 400,
  onnx_cycle: 400,
  onnx_builder: 400,
  onnx_external_data: 400,
  onnx_unsupported_dtype: 400,
  opset_too_old: 400,
  opset_upgrade_unsupported: 400,
  model_unloadable: 422,
  model_unreadable: 400,
  model_not_a_file: 400,
  model_write_failed: 500,
  manifest_invalid: 400,
  manifest_mismatch: 400,
  manifest_missing: 400,
  sha256_mismatch: 400,
  size_mismatch: 400,
  tokenizer_invalid: 400,
  tokenizer_unsupported: 400,
  tokenizer_mismatch: 422,
  /** A model folder whose task (architecture, problem type) Pare does not serve. */
  task_unsupported: 400,
  /** A model input Pare cannot fill from text (anything but ids, mask, token types and positions). */
  input_unsupported: 400,
  output_not_found: 400,
  file_not_found: 400,
  file_unreadable: 400,
  file_unwritable: 400,
  // Compression, evaluation, datasets and training.
  budget_unreachable: 422,
  eval_labels: 400,
  eval_no_backend: 400,
  eval_no_samples: 400,
  eval_inputs_failed: 422,
  eval_shape_mismatch: 400,
  dataset_invalid: 400,
  dataset_empty: 400,
  distill_data: 400,
  distill_teacher: 400,
  runtime_run_failed: 500,
  no_prediction: 422,
  // Serving and the registry of variants.
  route_not_found: 404,
  model_not_found: 404,
  variant_not_found: 404,
  variant_exists: 409,
  task_mismatch: 409,
  /** A variant whose inputs, outputs or labels differ from the variants serving its model. */
  interface_mismatch: 409,
  variant_has_traffic: 409,
  variant_unhealthy: 409,
  variant_unavailable: 503,
  no_healthy_variant: 503,
  rollback_refused: 409,
  nothing_to_roll_back: 409,
  // Authentication.
  unauthorized: 401,
  forbidden: 403,
  token_missing: 401,
  admin_disabled: 503,
  rate_limited: 429,
  // Jobs on the origin.
  job_not_found: 404,
  job_finished: 409,
  job_cancelled: 409,
  job_unsettled: 409,
  job_failed: 500,
  job_interrupted: 500,
  artifact_not_found: 404,
  artifact_elsewhere: 404,
  /** The artifact store (a folder or an S3-compatible bucket) refused or failed a read or a write. */
  artifact_store_failed: 502,
  /** The job backend (Redis, the SQLite file) cannot be reached or written: the origin is not ready. */
  backend_unavailable: 503,
  publish_failed: 502,
  publish_unauthorised: 502,
  // Talking to Pare's services.
  edge_unreachable: 502,
  edge_bad_response: 502,
  edge_error: 502,
  origin_unreachable: 502,
  origin_protocol: 502,
  origin_error: 502,
  // A bug: anything that is not a PareError.
  internal: 500,
} as const satisfies Record<string, number>;

export type PareErrorCode = keyof typeof ERROR_STATUS;

export function isPareErrorCode(value: unknown): value is PareErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}
