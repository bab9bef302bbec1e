export interface ChartOptions {
  /** How much history the x axis spans, ending at the newest point. */
  spanMs: number;
  color: string;
  format(value: number): string;
}

interface Point {
  at: number;
  value: number;
}

const PAD = { left: 48, right: 10, top: 10, bottom: 20 };

/**
 * A line chart of one live series on a `<canvas>`: the last `spanMs` up to the newest
 * point, y from 0 to a rounded-up maximum. The x axis runs on the server's timestamps, so
 * a skewed client clock does not bend it. The canvas's `data-points` attribute holds how
 * many points the chart holds (the browser test watches it grow).
 */
export class LiveChart {
  private points: Point[] = [];

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly options: ChartOptions,
  ) {
    // The canvas has no size while its section is hidden: draw again once it has one.
    new ResizeObserver(() => this.draw()).observe(canvas);
    this.canvas.dataset.points = '0';
  }

  push(at: number, value: number): void {
    this.points.push({ at, value });
    const oldest = at - this.options.spanMs;
    while (this.points[0]!.at < oldest) this.points.shift();
    this.canvas.dataset.points = String(this.points.length);
    this.draw();
  }

  clear(): void {
    this.points = [];
    this.canvas.dataset.points = '0';
    this.draw();
  }

  private draw(): void {
    const { canvas, points, options } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    if (!g || !width || !height) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);

    const plotWidth = width - PAD.left - PAD.right;
    const plotHeight = height - PAD.top - PAD.bottom;
    const top = niceCeiling(Math.max(0, ...points.map((p) => p.value)));
    const y = (value: number) => PAD.top + (1 - value / top) * plotHeight;

    g.font = '11px system-ui, sans-serif';
    g.lineWidth = 1;
    g.strokeStyle = '#e3e3e8';
    g.fillStyle = '#6b6b76';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const share of [0, 0.5, 1]) {
      const at = y(top * share);
      g.beginPath();
      g.moveTo(PAD.left, at);
      g.lineTo(width - PAD.right, at);
      g.stroke();
      g.fillText(options.format(top * share), PAD.left - 6, at);
    }
    g.textBaseline = 'alphabetic';
    g.fillText('now', width - PAD.right, height - 4);
    g.textAlign = 'left';
    g.fillText(`−${Math.round(options.spanMs / 60_000)} min`, PAD.left, height - 4);

    const newest = points.at(-1);
    if (!newest) return;
    const start = newest.at - options.spanMs;
    const x = (at: number) => PAD.left + ((at - start) / options.spanMs) * plotWidth;
    g.strokeStyle = options.color;
    g.fillStyle = options.color;
    g.lineWidth = 2;
    g.lineJoin = 'round';
    g.beginPath();
    points.forEach((p, i) => (i ? g.lineTo(x(p.at), y(p.value)) : g.moveTo(x(p.at), y(p.value))));
    g.stroke();
    g.beginPath();
    g.arc(x(newest.at), y(newest.value), 3, 0, 2 * Math.PI);
    g.fill();
  }
}

/** The smallest 1, 2 or 5 times a power of ten that is at least `value` (1 for nothing). */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
