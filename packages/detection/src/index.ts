/**
 * @gradcam/detection — Grad-CAM for object detectors: one map per detection, where a detection's score is
 * its class score at its own anchor or centre. A decoder per model family: COCO-SSD
 * (`@tensorflow-models/coco-ssd`) and CenterNet.
 */
export type { DecodedDetection, DetectedObject, Detector, DetectorRun, DetectOptions } from './detector.js';
export { explainDetections } from './explain-detections.js';
export type { DetectionOptions, DetectionResult, ExplainedDetection } from './explain-detections.js';
export { cocoSsdDetector, loadCocoSsd, SSD_PREPROCESSED_NODE } from './coco-ssd.js';
export type { CocoSsdOptions } from './coco-ssd.js';
export { centerNetDetector, decodeCenterNet, loadCenterNet } from './centernet.js';
export type { CenterNetOptions, CenterNetPeak } from './centernet.js';
export { COCO_80_CLASSES, COCO_SSD_CLASSES } from './coco-labels.js';
export { nmsPerClass, iou } from './nms.js';
export { sharedNodes } from './graph.js';
