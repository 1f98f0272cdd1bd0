import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { CLIENT, SERVER } from '@menagerie/telemetry';
import { expect } from 'chai';
import { supervise } from '../src/processes.ts';
import { localStack } from '../src/stack.ts';

const node = process.execPath;
const forever = 'setInterval(() => {}, 1000)';

function output() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => {
    text += c.toString('utf8');
  });
  return { stream, text: () => text };
}

describe('local stack', () => {
  it('runs the built server and client on their contract ports, the client pointed at the server', () => {
    const [server, client] = localStack({});
    expect(existsSync(server?.args[0] as string), server?.args[0]).to.equal(true);
    expect(existsSync(client?.args[0] as string), client?.args[0]).to.equal(true);
    expect(server?.env?.PORT).to.equal(String(SERVER.port));
    expect(client?.env).to.deep.equal({
      PORT: String(CLIENT.port),
      SERVER_URL: `http://localhost:${SERVER.port}`,
    });
  });

  it('prefixes each line with its process name and stops everything on stop()', async () => {
    const out = output();
    const stack = supervise(
      [
        { name: 'a', command: node, args: ['-e', `console.log('one'); ${forever}`] },
        { name: 'bbb', command: node, args: ['-e', `console.error('two'); ${forever}`] },
      ],
      out.stream,
    );
    while (!out.text().includes('two') || !out.text().includes('one'))
      await new Promise((r) => setTimeout(r, 20));
    stack.stop();
    expect(await stack.exited).to.equal(0);
    expect(out.text()).to.include('[a  ] one\n');
    expect(out.text()).to.include('[bbb] two\n');
  });

  it('stops the others and fails when one process dies on its own', async () => {
    const out = output();
    const stack = supervise(
      [
        { name: 'crash', command: node, args: ['-e', 'process.exit(3)'] },
        { name: 'steady', command: node, args: ['-e', forever] },
      ],
      out.stream,
    );
    expect(await stack.exited).to.equal(1);
    expect(out.text()).to.include('[crash ] exited (code 3)');
    expect(out.text()).to.include('[steady] exited (SIGTERM)');
  });
});
