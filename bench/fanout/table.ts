import type { Measured } from './measure.js';

/** The fan-out table, in markdown, as docs/benchmarks.md carries it. */
export const HEADER = [
  '| case | N | processes | p50 ms | p99 ms | deliveries/s | messages/s | server KiB/conn | all live after s | server CPU | client CPU | server CPU µs/delivery | request during fan-out: max (p50) ms |',
  '| --- | --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
];

export function tableRow(what: string, n: number, processes: string, m: Measured | Error) {
  const cells =
    m instanceof Error
      ? [`failed: ${m.message.split('\n')[0]}`, '', '', '', '', '', '', '', '', '']
      : [
          m.p50Ms.toFixed(1),
          m.p99Ms.toFixed(1),
          Math.round(m.deliveriesPerSecond).toLocaleString('en-US'),
          m.messagesPerSecond.toFixed(1),
          m.serverKiBPerConnection.toFixed(1),
          m.liveAfterSeconds.toFixed(1),
          `${Math.round(m.serverCpuPercent)}%`,
          `${Math.round(m.clientCpuPercent)}%`,
          m.serverCpuUsPerDelivery.toFixed(1),
          m.probes ? `${m.probes.maxMs.toFixed(1)} (${m.probes.p50Ms.toFixed(1)})` : '–',
        ];
  return `| ${[what, n.toLocaleString('en-US'), processes, ...cells].join(' | ')} |`;
}
