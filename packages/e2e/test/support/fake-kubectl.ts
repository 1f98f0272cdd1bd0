/**
 * A stand-in for the few kubectl commands scripts/e2e.sh runs, so the script
 * itself is tested without a cluster. `port-forward service/X L:R` listens on
 * 127.0.0.1:L and relays to the address FAKE_KUBECTL_SERVICES gives for X;
 * `get deployment … jsonpath` and `get secret … go-template` answer from
 * FAKE_KUBECTL_GRAFANA. Every call is appended to FAKE_KUBECTL_LOG.
 */
import { appendFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const args = process.argv.slice(2);
const services = JSON.parse(process.env.FAKE_KUBECTL_SERVICES ?? '{}') as Record<string, string>;
const grafana = JSON.parse(process.env.FAKE_KUBECTL_GRAFANA ?? '{}') as {
  secret: string;
  userKey: string;
  passwordKey: string;
  user: string;
  password: string;
};
if (process.env.FAKE_KUBECTL_LOG) appendFileSync(process.env.FAKE_KUBECTL_LOG, `${args.join(' ')}\n`);

const fail = (message: string) => {
  console.error(`error: ${message}`);
  process.exit(1);
};
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
};

if (args.includes('port-forward')) {
  const service = args.find((a) => a.startsWith('service/'))?.slice('service/'.length) ?? '';
  const [local, remote] = (args.find((a) => /^\d+:\d+$/.test(a)) ?? '').split(':');
  const target = services[service];
  if (!target) fail(`services "${service}" not found`);
  const [host, port] = (target as string).split(':');
  createServer((socket) => {
    const upstream = connect(Number(port), host);
    socket.pipe(upstream).pipe(socket);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  }).listen(Number(local), '127.0.0.1', () => console.log(`Forwarding from 127.0.0.1:${local} -> ${remote}`));
} else if (args[0] === '--namespace' && args[2] === 'get' && args[3] === 'deployment') {
  const path = option('-o') ?? '';
  const env = path.match(/@\.name=="([A-Z_]+)"/)?.[1];
  const field = path.match(/secretKeyRef\.(name|key)\}$/)?.[1];
  const key =
    env === 'GF_SECURITY_ADMIN_PASSWORD'
      ? grafana.passwordKey
      : env === 'GF_SECURITY_ADMIN_USER'
        ? grafana.userKey
        : undefined;
  if (!key || !field) fail(`unsupported jsonpath ${path}`);
  process.stdout.write(field === 'name' ? grafana.secret : (key as string));
} else if (args[0] === '--namespace' && args[2] === 'get' && args[3] === 'secret') {
  if (args[4] !== grafana.secret) fail(`secrets "${args[4]}" not found`);
  const key = (option('-o') ?? '').match(/index \.data "([^"]+)" \| base64decode/)?.[1];
  const value =
    key === grafana.passwordKey ? grafana.password : key === grafana.userKey ? grafana.user : undefined;
  if (value === undefined) fail(`unsupported go-template ${option('-o')}`);
  process.stdout.write(value as string);
} else {
  fail(`fake kubectl does not support: ${args.join(' ')}`);
}
