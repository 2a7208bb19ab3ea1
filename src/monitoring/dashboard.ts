import { AlertSeverity, AlertSpec } from './alerts';
import { MetricQuery, MetricRatio } from './metrics';

/** Width of a mosaic layout: the Dashboards API allows at most 48 columns. */
export const MOSAIC_COLUMNS = 48;

/** One widget of the Dashboards API, as JSON. */
export type WidgetJson = { [key: string]: unknown };

/**
 * A horizontal line on a chart: a threshold to compare against. The Dashboards API's `Threshold.Color` has only
 * YELLOW (concerning) and RED (emergency); a reference line that is neither (an SLO bound) leaves the color unset.
 */
export interface ChartThreshold {
  readonly value: number;
  readonly label: string;
  readonly color?: 'YELLOW' | 'RED';
}

/** The lines of the alerts on `signal`, from their specs: a yellow line per warning, a red one per critical. */
export function thresholdLines(specs: AlertSpec[], signal: string): ChartThreshold[] {
  return specs.filter((spec) => spec.signal === signal && spec.chartLine).map((spec) => {
    const { value, unit } = spec.chartLine!;
    return {
      value,
      label: `${spec.severity.toLowerCase()} ${value}${unit ? ` ${unit}` : ''}`,
      color: spec.severity === AlertSeverity.WARNING ? 'YELLOW' : 'RED',
    };
  });
}

/** Top-N: keep only the N series ranking highest (Dashboards API `pickTimeSeriesFilter`). */
export interface TopN {
  readonly count: number;
  readonly rankingMethod: 'METHOD_MAX' | 'METHOD_MEAN';
}

/** Dashboards API `Aggregation` of a query. */
export function aggregationJson(query: MetricQuery) {
  return {
    alignmentPeriod: `${query.alignmentPeriodSeconds}s`,
    perSeriesAligner: query.perSeriesAligner,
    ...(query.crossSeriesReducer ? { crossSeriesReducer: query.crossSeriesReducer } : {}),
    ...(query.groupByFields ? { groupByFields: query.groupByFields } : {}),
  };
}

function pick(topN?: TopN) {
  return topN ? { pickTimeSeriesFilter: { rankingMethod: topN.rankingMethod, numTimeSeries: topN.count, direction: 'TOP' } } : {};
}

/**
 * A legend naming each series by a label, e.g. `resource.labels.subscription_id`. The `$$` keeps Terraform from
 * reading the Dashboards API's `${...}` as an interpolation.
 */
export function legendOf(labelPath: string): string {
  return `$\${${labelPath}}`;
}

/** A chart data set from a query. */
export function dataSetOf(query: MetricQuery, options: { legend?: string; topN?: TopN } = {}) {
  return {
    timeSeriesQuery: {
      timeSeriesFilter: { filter: query.filter, aggregation: aggregationJson(query), ...pick(options.topN) },
      unitOverride: query.unit,
    },
    plotType: 'LINE',
    targetAxis: 'Y1',
    ...(options.legend ? { legendTemplate: options.legend } : {}),
  };
}

/** A chart data set from a ratio (numerator / denominator, grouped alike). */
export function ratioDataSetOf(ratio: MetricRatio, options: { legend?: string; topN?: TopN } = {}) {
  return {
    timeSeriesQuery: {
      timeSeriesFilterRatio: {
        numerator: { filter: ratio.numerator.filter, aggregation: aggregationJson(ratio.numerator) },
        denominator: { filter: ratio.denominator.filter, aggregation: aggregationJson(ratio.denominator) },
        ...pick(options.topN),
      },
      unitOverride: '1',
    },
    plotType: 'LINE',
    targetAxis: 'Y1',
    ...(options.legend ? { legendTemplate: options.legend } : {}),
  };
}

/** An XY line chart. */
export function xyChart(title: string, dataSets: object[], yLabel: string, thresholds: ChartThreshold[] = []): WidgetJson {
  return {
    title,
    xyChart: {
      dataSets,
      ...(thresholds.length > 0
        ? { thresholds: thresholds.map((t) => ({ value: t.value, label: t.label, ...(t.color ? { color: t.color } : {}), direction: 'ABOVE', targetAxis: 'Y1' })) }
        : {}),
      yAxis: { label: yLabel, scale: 'LINEAR' },
      chartOptions: { mode: 'COLOR' },
    },
  };
}

/** A scorecard of an SLO's remaining error budget (a fraction; below 0 the SLO is missed). */
export function sloBudgetScorecard(title: string, sloName: string): WidgetJson {
  return {
    title,
    scorecard: {
      timeSeriesQuery: { timeSeriesFilter: { filter: `select_slo_budget_fraction("${sloName}")` }, unitOverride: '1' },
      sparkChartView: { sparkChartType: 'SPARK_LINE' },
      thresholds: [
        { value: 0.25, color: 'YELLOW', direction: 'BELOW', label: 'under a quarter of the budget left' },
        { value: 0, color: 'RED', direction: 'BELOW', label: 'budget spent' },
      ],
    },
  };
}

/** A table listing the remaining error budget of many SLOs, one row per SLO: the fleet's budget view. */
export function sloBudgetTable(title: string, slos: { name: string; label: string }[]): WidgetJson {
  return {
    title,
    timeSeriesTable: {
      dataSets: slos.map((slo) => ({
        timeSeriesQuery: { timeSeriesFilter: { filter: `select_slo_budget_fraction("${slo.name}")` }, unitOverride: '1' },
        tableTemplate: slo.label,
      })),
      metricVisualization: 'BAR',
    },
  };
}

/** A section header: titles a group of tiles. */
export function sectionHeader(title: string, subtitle: string): WidgetJson {
  return { title, sectionHeader: { subtitle, dividerBelow: true } };
}

/** A markdown text widget. */
export function text(title: string, content: string): WidgetJson {
  return { title, text: { content, format: 'MARKDOWN' } };
}

/** Places widgets left to right, top to bottom, on a 48-column mosaic grid. */
export class MosaicLayout {
  private readonly tiles: { xPos: number; yPos: number; width: number; height: number; widget: WidgetJson }[] = [];
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  /** Starts a new row with a full-width section header. */
  public section(title: string, subtitle: string): this {
    this.newRow();
    return this.add(sectionHeader(title, subtitle), MOSAIC_COLUMNS, 2).newRow();
  }

  /** Adds a tile, wrapping to a new row when it does not fit. */
  public add(widget: WidgetJson, width: number, height: number): this {
    if (this.x + width > MOSAIC_COLUMNS) this.newRow();
    this.tiles.push({ xPos: this.x, yPos: this.y, width, height, widget });
    this.x += width;
    this.rowHeight = Math.max(this.rowHeight, height);
    return this;
  }

  /** The dashboard JSON (`dashboard_json`). */
  public toJson(displayName: string, labels: { [key: string]: string }): string {
    return JSON.stringify({ displayName, labels, mosaicLayout: { columns: MOSAIC_COLUMNS, tiles: this.tiles } });
  }

  private newRow(): this {
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
    return this;
  }
}
