/**
 * Stacked bar charts of daily counts (Chart.js, bundled with the page), each with its numbers as a
 * table under it for screen readers and for copying.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

import { h, table } from './dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Colour-blind-safe palette (Okabe-Ito), with a fixed colour for each TLP level. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const FIXED: Record<string, string> = {
  CLEAR: '#9aa0a6',
  GREEN: '#009E73',
  AMBER: '#E69F00',
  'AMBER+STRICT': '#D55E00',
  RED: '#B00020',
  CONFIRMED: '#009E73',
  ATTESTED: '#56B4E9',
  DISPUTED: '#B00020',
  REJECTED: '#000000',
};

const charts = new Set<Chart>();

export interface DailySeries {
  readonly days: string[];
  /** Per day, a count per category. */
  readonly counts: Readonly<Record<string, number>>[];
}

/**
 * Appends to `parent` a figure (`id`) with a stacked daily bar chart and its data table (the canvas
 * is drawn once it is in the page, so it can size itself).
 */
export function dailyChart(parent: HTMLElement, id: string, title: string, series: DailySeries): HTMLElement {
  const categories = [...new Set(series.counts.flatMap((c) => Object.keys(c)))].sort();
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: stacked bars per day, data table below` });
  const totals = series.counts.map((c) => Object.values(c).reduce((a, b) => a + b, 0));
  const figure = h(
    'figure',
    { id },
    h('figcaption', {}, title),
    h('div', { class: 'chart' }, canvas),
    h(
      'details',
      { class: 'data' },
      h('summary', {}, 'Data table'),
      table(
        title,
        ['Day', ...categories, 'Total'],
        series.days.map((d, i) => [d, ...categories.map((c) => series.counts[i]?.[c] ?? 0), totals[i] ?? 0]),
        categories.map((_c, i) => i + 1).concat(categories.length + 1),
      ),
    ),
  );
  parent.append(figure);
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: series.days,
      datasets: categories.map((c, i) => ({
        label: c,
        data: series.counts.map((d) => d[c] ?? 0),
        backgroundColor: FIXED[c] ?? PALETTE[i % PALETTE.length] ?? '#0072B2',
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
    },
  });
  charts.add(chart);
  return figure;
}

/** Destroys the charts no longer in the page (of a page left or redrawn). */
export function dropCharts(): void {
  for (const c of charts)
    if (!c.canvas.isConnected) {
      c.destroy();
      charts.delete(c);
    }
}
