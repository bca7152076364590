import { timeZoneNames } from './time-zones.js';

const known = new Set(timeZoneNames);

/** Whether Go's time.LoadLocation, with the tzdata kube-apiserver embeds, knows the zone ("UTC" and "Local" are built in). */
export function isKnownTimeZone(zone: string): boolean {
  return zone === 'UTC' || zone === 'Local' || known.has(zone);
}
