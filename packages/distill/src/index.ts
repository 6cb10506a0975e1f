// @pare/distill: datasets, tokenizer training, teacher/student encoders, knowledge distillation, ONNX export.
//
// The stable entry point for the origin's `distill` job and the CLI:
//
//   const r = await distill({
//     teacher?: { kind: 'train', size?, epochs?, learningRate?, patience? } // train a teacher here (default)
//             | { kind: 'onnx', bytes: Uint8Array, manifest: Manifest }, // or distil an existing one (its tokenizer is reused)
//     data?: 'spam-assassin',
//     student?: { size?: { dModel, heads, layers, ffDim }, epochs?, learningRate? },
//     temperature?: number,   // KD temperature T, default 2
//     alpha?: number,         // weight of T²·KL(teacher‖student); 1 - alpha weights CE on labels; default 0.7
//     seed?: number,          // fixes split, init and batch order; default 1
//     onProgress?: (e: { phase, message, step?, totalSteps?, loss? }) => void,
//     signal?: AbortSignal,   // checked between training steps; an aborted run rejects with the signal's reason
//   });
//   r.studentModel   // ONNX Model (plain object; encodeModel() from @pare/onnx gives bytes, also in r.student.bytes)
//   r.manifest       // the student's variant manifest (validated by @pare/runtime's schema)
//   r.metrics        // test-split accuracy, precision, recall, f1, hardHamFalsePositiveRate, teacherAgreement, parameterRatio
//   r.teacher        // the teacher's onnx/bytes/manifest/metrics
//
// On the user's own texts (a JSONL/CSV/text file, labels optional) and a teacher of any tokenizer kind:
//   const r = await distillTexts({ data: { path, textField?, labelField?, validationPath? }, teacher: { kind: 'onnx', bytes, manifest, tokenizerJson? },
//                                  student?: { buckets?, dim?, … }, targetFpr?, positive?, cacheDir? });
//   r.student (the bag student: bytes, manifest with its hashed-ngrams tokenizer and threshold), r.teacherAgreement, r.bag (calibration, threshold)
// `student: { family: 'bag' }` trains the same hashed n-gram student on the bundled corpus (with `text: 'mail'`
// to read mails cleaned as a mail filter must).
//
// The run is CPU-bound and synchronous between steps; it yields to the event loop after every training step so a
// job runner can stream progress and deliver a cancel. Files are not written here: callers decide where artefacts go.

export { distill, DEFAULTS, type DistillOptions, type DistillResult, type DistillProgress, type DistillPhase, type TeacherTrain, type TeacherOnnx, type StudentSpec, type ExportedClassifier } from './distill';
export { loadSpamAssassin, LABELS, DATASET_NAME, type Example, type SpamDataset } from './data/spamAssassin';
export { emailParts, emailText } from './data/emailText';
export { type TextCleaning } from './data/spamAssassin';
export { encodeExamples, type EncodedSet } from './data/encode';
export { distillTexts, type DistillTextsOptions, type DistillTextsResult } from './distillTexts';
export { loadTextDataset, type TextDataset, type TextDatasetOptions, type TextExample } from './data/textDataset';
export { readTextRecords, formatOf, type TextFileFormat, type TextRecord } from './data/textRecords';
export { cachedTeacherLogits, teacherCacheKey } from './teacher/teacherCache';
export { distillBag, BAG_DEFAULTS, TEACHER_TOKEN_BAG_DEFAULTS, type BagStudentSpec, type BagDistillResult } from './bag/distillBag';
export { trainTfidf, tfidfLogits, tfidfBytes, type TfidfModel } from './baseline/tfidfLogReg';
export { fitTemperature, expectedCalibrationError } from './train/calibration';
export { thresholdForFpr, type ChosenThreshold } from './train/threshold';
export { textLogits } from './export/textLogits';
export { trainWordPiece, type WordPieceTrainOptions } from './tokenizer/trainWordPiece';
export { TEACHER_SIZE, STUDENT_SIZE, countParameters, type EncoderConfig, type ModelSize } from './model/config';
export { initEncoder, type EncoderModel, type Weights } from './model/params';
export { trainEncoder, type TrainOptions, type TrainProgress } from './train/trainer';
export { kdLoss, crossEntropy, type KdOptions } from './train/losses';
export { argmaxRows, classifierMetrics, type ClassifierMetrics } from './train/metrics';
export { predictLogits } from './train/predict';
export { encoderToOnnx, IDS_INPUT, MASK_INPUT, LOGITS_OUTPUT } from './export/encoderToOnnx';
export { classifierManifest } from './export/classifierManifest';
