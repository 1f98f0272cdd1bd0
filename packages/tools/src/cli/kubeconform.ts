#!/usr/bin/env node
/**
 * kubeconform on rendered manifest files, with the arguments the chart tests
 * use: strict, the pinned Kubernetes version's schemas (.tools/kubernetes-schemas,
 * installed by ensure_kubernetes_schemas in scripts/lib/toolchain.sh), and
 * custom resources against the schemas crd-schemas.js made from their CRDs.
 *   node packages/tools/dist/cli/kubeconform.js --crd-schemas DIR MANIFEST...
 */
import { kubeconformFiles } from '../charts/kubeconform.ts';

const argv = process.argv.slice(2);
const at = argv.indexOf('--crd-schemas');
const crdSchemaDir = at >= 0 ? argv[at + 1] : undefined;
const files = argv.filter((_, i) => at < 0 || (i !== at && i !== at + 1));
if (!crdSchemaDir || files.length === 0) {
  console.error('usage: kubeconform.js --crd-schemas DIR MANIFEST...');
  process.exit(2);
}
const result = await kubeconformFiles(files, { crdSchemaDir });
process.stdout.write(result.output);
process.exitCode = result.ok ? 0 : 1;
