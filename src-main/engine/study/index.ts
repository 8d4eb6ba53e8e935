// The study in one call (`pivot study`) and the pieces the CLI and the app share: measuring an encoder, the report.
// report.json's schema, the verdict and the table model are shared with the window: src-shared/domain/study-*.ts.
export { runStudy, type StudyOptions, type StudyProgress, type StudyResult } from './run-study';
export {
  captionLmFeatures, captionsOf, STUDY_ALIGNMENT_K, STUDY_SEGMENTATION, EncoderImages, loadEncoderFolder, measureAlignment, measureLinear, measureSegmentation, seedList,
  type AlignmentLm, type AlignmentMeasurement, type LinearMeasurement, type LoadedEncoder, type SegmentationMeasurement,
} from './measure-encoder';
export { COLUMNS, reportJsonText, reportSummary, row, writeReportJson, type Column, type ComparisonRow, type WrittenStudyReport } from './report-json';
export { escapeHtml, lossCurveSvg, reportHtml, writeReportHtml, type GradcamExample, type ReportExamples, type SegmentationExample } from './report-html';
export { formatCell, formatDifference, formatNumber, formatTable } from './table';
export { summariseMetrics } from './training-summary';
export { classMapPng, heatmapOverImagePng, imagePng, pngDataUrl } from './images';
