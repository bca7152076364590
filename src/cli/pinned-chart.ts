import { createChartFetcher } from '../adapters/registry/chart-fetcher.js';
import { LadderInputError } from '../core/errors.js';
import type { SourceTree } from '../core/render/tools/port.js';
import { describeChartPin } from '../core/services/effective.js';
import type { ChartPin } from '../core/services/schema.js';
import { UsageError, type CliIO } from './command.js';
import { loadServicesFile } from './load-config.js';
import { registriesFromEnv } from './registries-env.js';

/**
 * `ladder render --services <file>` for a helm service whose chart the
 * manifest repository pins: the same fetch and verification as the App's
 * (the pinned source only, the digest checked before anything is unpacked),
 * with the registries' credentials from the same variables.
 */
export async function fetchPinnedChart(service: string, servicesFile: string, io: CliIO): Promise<SourceTree> {
  const key = chartKey(service);
  const pin = await pinnedChart(service, servicesFile);
  if (!pin) {
    throw new LadderInputError(`pins no chart for ${service}: set manifests.helm.chart in the code config to the chart's directory, or pin one here`, { file: servicesFile, key });
  }
  const problems: string[] = [];
  const registries = await registriesFromEnv((name) => io.env[name], problems);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  io.stderr(`Fetching the chart ${describeChartPin(pin)} pinned in ${servicesFile} (${key})\n`);
  return createChartFetcher({ credentials: registries.credentials, plainHttp: new Set(registries.plainHttp) }).fetch({ pin, file: servicesFile, key });
}


/** The chart the services file pins for the service, if any. */
export async function pinnedChart(service: string, servicesFile: string): Promise<ChartPin | undefined> {
  return (await loadServicesFile(servicesFile)).services[service]?.render?.helm?.chart;
}

export const chartKey = (service: string): string => `services.${service}.render.helm.chart`;
