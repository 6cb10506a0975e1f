export { Exposition, formatValue, PROMETHEUS_CONTENT_TYPE, type HistogramSample, type Labels, type Sample } from './exposition';
export { familiesOf, queriedFamilies } from './metricNames';
