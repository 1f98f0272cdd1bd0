import {
  detectResources,
  type Resource,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceNameEnvDetector,
} from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

/**
 * The service's OpenTelemetry resource: its name and version, under
 * OTEL_RESOURCE_ATTRIBUTES (the charts add the version, the namespace and
 * the pod there), under OTEL_SERVICE_NAME. Read inside withOtelEnvironment.
 * Spans carry it, and /metrics exposes it as target_info.
 */
export function serviceResource(defaults: { serviceName: string; serviceVersion: string }): Resource {
  return resourceFromAttributes({
    [ATTR_SERVICE_NAME]: defaults.serviceName,
    [ATTR_SERVICE_VERSION]: defaults.serviceVersion,
  }).merge(detectResources({ detectors: [resourceAttributesEnvDetector, serviceNameEnvDetector] }));
}

export function serviceNameOf(resource: Resource): string {
  return String(resource.attributes[ATTR_SERVICE_NAME]);
}
