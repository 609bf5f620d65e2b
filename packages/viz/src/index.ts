/**
 * @gradcam/viz — pictures of explanations, the same in Node and the browser: colormaps (OpenCV's jet,
 * turbo, viridis, inferno), heatmap overlays at the photo's resolution (pytorch-grad-cam's
 * `show_cam_on_image`), labelled grids, guided-gradient rendering, preprocessing into model inputs, and
 * self-contained HTML reports. No Node-only import: file IO is in `@gradcam/viz/node` (sharp), canvas IO in
 * `@gradcam/viz/browser`.
 */
export type { Heatmap, Rgb, RgbImage } from './image.js';
export { checkHeatmap, checkImage, createImage, cropImage, imageFromRgba, imageToRgba, pasteImage } from './image.js';
export type { ColormapName } from './colormap.js';
export { COLORMAPS, applyColormap, colormapColor, colormapLut, isColormapName, quantizeLevel } from './colormap.js';
export type { Region, ResampleKernel } from './resample.js';
export { resample } from './resample.js';
export type { ResizeOptions } from './resize.js';
export { resizeImage, resizeMap } from './resize.js';
export type { FitMode } from './fit.js';
export { FIT_MODES, fitRegion, mapToImage } from './fit.js';
export type { OverlayOptions } from './overlay.js';
export { overlayHeatmap } from './overlay.js';
export type { GridCell, GridOptions } from './grid.js';
export { composeGrid } from './grid.js';
export { CHAR_WIDTH, LINE_HEIGHT, asciiFold, drawText, fitText, textWidth, wrapText } from './font.js';
export { guidedGradCam, renderGradients } from './guided.js';
export type { PreprocessOptions, Preprocessed } from './preprocess.js';
export { imageToTensor, preprocessImage } from './preprocess.js';
export { heatmapsFromTensor } from './tensor.js';
export type { ReportExplanation, ReportImage, ReportItem, ReportOptions } from './report.js';
export { escapeHtml, renderReport } from './report.js';
export type { ImageFormat } from './format.js';
export { formatOfPath, mimeOf } from './format.js';
export { ImageReadError } from './errors.js';
export { fromBase64, toBase64 } from './base64.js';
