// What `pare inspect` reports of a model file: read by the command, printed by inspectTable or as JSON.
import type { InexactInteger, ModelSummary, UnknownField } from '@pare/onnx';

export interface InspectReport {
  file: string;
  /** Size of the model file itself (external data not included). */
  bytes: number;
  /** Of the model's bytes (with external data inlined, when it had any): what a variant manifest records. */
  sha256: string;
  summary: ModelSummary;
  unknownFields: UnknownField[];
  inexactIntegers: InexactInteger[];
  externalFiles: string[];
}
