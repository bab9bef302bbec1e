export interface ChartOptions {
  /** How much history the x axis spans, up to now. */
  spanMs: number;
  color: string;
  format(value: number): string;
}

export interface Point {
  at: number;
  value: number;
}

const PAD = { left: 48, right: 10, top: 10, bottom: 20 };
/** How often the chart moves on while no value arrives. */
const TICK_MS = 1_000;

/**
 * A line chart of one live series on a `<canvas>`: the last `spanMs` up to now, y from 0
 * to a rounded-up maximum. A value holds until the next one arrives (a step line), so a
 * series sent only when it changes is drawn truthfully, and the chart keeps moving while
 * nothing changes. "Now" is the server's clock, as the latest value's `at` tells it, so a
 * skewed client clock does not bend the chart. The canvas's `data-points` attribute holds
 * how many values the chart holds (the browser test watches it grow).
 */
export class LiveChart {
  private points: Point[] = [];
  /** The server's clock minus the client's, as of the latest value. */
  private skewMs = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly options: ChartOptions,
  ) {
    // The canvas has no size while its section is hidden: draw again once it has one.
    new ResizeObserver(() => this.draw()).observe(canvas);
    setInterval(() => this.points.length && this.draw(), TICK_MS);
    this.canvas.dataset.points = '0';
  }

  push(at: number, value: number): void {
    this.skewMs = at - Date.now();
    this.points.push({ at, value });
    this.trimAndDraw();
  }

  /**
   * Adds history from before the live values (the series the server keeps), each value
   * holding until the next: only points older than the first live value are kept, so a
   * moment is never drawn twice, whichever arrives first. The canvas's `data-backfill`
   * lists the values kept, oldest first.
   */
  backfill(history: readonly Point[]): void {
    const firstLive = this.points[0]?.at ?? Infinity;
    const older = history.filter((p) => p.at < firstLive).sort((a, b) => a.at - b.at);
    this.points = [...older, ...this.points];
    this.canvas.dataset.backfill = older.map((p) => Number(p.value.toFixed(2))).join(' ');
    this.trimAndDraw();
  }

  /** Keeps the window up to the latest value: one value older than it stays, so the line enters from the left edge with it. */
  private trimAndDraw(): void {
    const oldest = (this.points[this.points.length - 1]?.at ?? 0) - this.options.spanMs;
    while (this.points.length > 1 && this.points[1]!.at <= oldest) this.points.shift();
    this.canvas.dataset.points = String(this.points.length);
    this.draw();
  }

  clear(): void {
    this.points = [];
    this.canvas.dataset.points = '0';
    delete this.canvas.dataset.backfill;
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

    const end = Date.now() + this.skewMs;
    const start = end - options.spanMs;
    const plotWidth = width - PAD.left - PAD.right;
    const plotHeight = height - PAD.top - PAD.bottom;
    const top = niceCeiling(Math.max(0, ...points.map((p) => p.value)));
    const x = (at: number) =>
      PAD.left + ((Math.max(at, start) - start) / options.spanMs) * plotWidth;
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

    const [first, ...rest] = points;
    if (!first) return;
    g.strokeStyle = options.color;
    g.fillStyle = options.color;
    g.lineWidth = 2;
    g.lineJoin = 'round';
    g.beginPath();
    g.moveTo(x(first.at), y(first.value));
    let held = first.value;
    for (const p of rest) {
      g.lineTo(x(p.at), y(held));
      g.lineTo(x(p.at), y(p.value));
      held = p.value;
    }
    g.lineTo(x(end), y(held));
    g.stroke();
    g.beginPath();
    g.arc(x(end), y(held), 3, 0, 2 * Math.PI);
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
