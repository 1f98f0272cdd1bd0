/**
 * Fails when a file git tracks holds a secret in clear: a private key, a
 * Secret manifest whose data is not SOPS-encrypted, or a SOPS file with a
 * value in clear (docs/secrets.md). Run it before committing:
 *   node packages/tools/dist/cli/secret-scan.js [REPOSITORY]
 */
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { scanRepository } from '../secrets/scan.ts';

const root = process.argv[2] ?? REPOSITORY_ROOT;
const findings = scanRepository(root);
for (const finding of findings) console.error(`${finding.file}: ${finding.problem}`);
console.log(`secret-scan: ${findings.length} finding(s) in the files git tracks in ${root}`);
process.exit(findings.length === 0 ? 0 : 1);
