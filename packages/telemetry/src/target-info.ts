import { TARGET_INFO } from '@menagerie/contract';
import type { Resource } from '@opentelemetry/resources';
import { Gauge, type Registry } from 'prom-client';

/**
 * A resource attribute name as a Prometheus label name, as Prometheus
 * translates OTLP attributes: every character a label name cannot hold
 * becomes `_`, and a leading digit gets a `key_` prefix.
 */
export function labelNameOf(attribute: string): string {
  const name = attribute.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `key_${name}` : name;
}

/**
 * The labels of target_info: each string, number or boolean attribute of
 * the resource under its label name, less the ones that make up job and
 * instance. Attributes that end up with the same label name are joined with
 * `;`, in the order of their names.
 */
export function targetInfoLabels(resource: Resource): Record<string, string> {
  const leftOut = new Set<string>(TARGET_INFO.attributesLeftOut);
  const labels: Record<string, string> = {};
  for (const attribute of Object.keys(resource.attributes).sort()) {
    const value = resource.attributes[attribute];
    if (leftOut.has(attribute) || value === undefined || typeof value === 'object') continue;
    const name = labelNameOf(attribute);
    labels[name] = name in labels ? `${labels[name]};${String(value)}` : String(value);
  }
  return labels;
}

/** Registers target_info, a series of value 1 whose labels are the resource's attributes. */
export function registerTargetInfo(registry: Registry, resource: Resource): void {
  const labels = targetInfoLabels(resource);
  const gauge = new Gauge({
    name: TARGET_INFO.name,
    help: TARGET_INFO.help,
    labelNames: Object.keys(labels),
    registers: [registry],
  });
  gauge.set(labels, 1);
}
