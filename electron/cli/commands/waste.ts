// `stevedore waste REF|ARCHIVE`: dive's efficiency score, wasted bytes and top offenders; exit code 3 when above the
// thresholds given, so a CI pipeline can gate on it.
import { wasteReport } from '../../core/xray/waste.js';
import { formatBytes, formatPercent, table } from '../format.js';
import type { Output } from '../output.js';
import { oneLine } from '../terminal-text.js';
import { loadImage, type XrayOptions } from '../xray-target.js';

export const THRESHOLD_EXCEEDED = 3;

export interface WasteThresholds {
  readonly maxWastedBytes?: number;
  readonly minEfficiency?: number;
}

export async function wasteCommand(args: readonly string[], options: XrayOptions & WasteThresholds, out: Output, signal: AbortSignal): Promise<number> {
  const target = out.requireOne(args, 'waste <reference|archive> [--max-wasted-bytes N] [--min-efficiency F]');
  const { image, close } = await loadImage(target, options, signal);
  try {
    const report = wasteReport(image.layers);
    const failures: string[] = [];
    if (options.maxWastedBytes !== undefined && report.wastedBytes > options.maxWastedBytes) failures.push(`wasted ${report.wastedBytes} bytes, more than the ${options.maxWastedBytes} allowed`);
    if (options.minEfficiency !== undefined && report.efficiency < options.minEfficiency) failures.push(`efficiency ${report.efficiency.toFixed(4)}, below the ${options.minEfficiency} required`);
    if (options.json) out.json({ image: image.name, ...report, passed: failures.length === 0, failures });
    else {
      out.line(`${oneLine(image.name)}: efficiency ${formatPercent(report.efficiency * 100, 2)}, wasted ${formatBytes(report.wastedBytes)} (${report.wastedBytes} bytes, ${formatPercent(report.wastedPercent, 2)} of the file bytes in all layers)`);
      if (report.offenders.length > 0) out.line(table(['COUNT', 'TOTAL', 'RECLAIMABLE', 'PATH'], report.offenders.map((o) => [String(o.count), formatBytes(o.totalBytes), formatBytes(o.reclaimableBytes), `/${o.path}`])));
      for (const failure of failures) out.line(`FAIL: ${failure}`);
    }
    return failures.length > 0 ? THRESHOLD_EXCEEDED : 0;
  } finally {
    await close();
  }
}
