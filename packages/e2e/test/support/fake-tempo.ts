/**
 * A stand-in for Tempo's GET /api/v2/traces/<id>: the trace as OTLP JSON under
 * `trace`, or 404 with a plain-text body when Tempo does not have it.
 */
import { sendJson, sendText, serve, type TestServer } from './server.ts';

export interface FakeTempo extends TestServer {
  /** Trace id → the service names whose spans it holds. */
  traces: Map<string, string[]>;
}

export async function startFakeTempo(): Promise<FakeTempo> {
  const state = { traces: new Map<string, string[]>() };
  const server = await serve((request, response) => {
    const url = new URL(request.url ?? '/', 'http://tempo');
    const m = url.pathname.match(/^\/api\/v2\/traces\/([0-9a-fA-F]+)$/);
    if (request.method !== 'GET' || !m) return sendText(response, 404, '404 page not found');
    const id = (m[1] ?? '').toLowerCase();
    const services = state.traces.get(id);
    if (!services) return sendText(response, 404, 'trace not found');
    sendJson(response, 200, {
      trace: {
        resourceSpans: services.map((service, i) => ({
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [
            {
              scope: { name: '@opentelemetry/instrumentation-http' },
              spans: [{ traceId: id, spanId: `${i}`.padStart(16, '0'), name: 'POST /animals', kind: 2 }],
            },
          ],
        })),
      },
      status: 'COMPLETE',
    });
  });
  return Object.assign(state, server);
}
