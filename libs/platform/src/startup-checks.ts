import { connect } from 'nats';
import type { AppConfig } from '@cobrowse/config';
import { checkNatsServer, natsConnectOptions, StartupCheckError } from '@cobrowse/messaging';

/**
 * Before anything starts: the NATS server must be recent enough and have JetStream. Otherwise
 * the service stops with one line naming what it found and what it needs (exit code 2), rather
 * than a stack trace from deep inside the client on first use.
 */
export async function checkDependenciesOrExit(service: string, config: AppConfig): Promise<void> {
  try {
    const nc = await connect({ ...natsConnectOptions(config, `${service}-startup-check`) });
    try {
      checkNatsServer(nc.info);
    } finally {
      await nc.close();
    }
  } catch (e) {
    if (!(e instanceof StartupCheckError)) throw e;
    process.stderr.write(
      JSON.stringify({ level: 'fatal', context: service, message: e.message, timestamp: Date.now() }) + '\n',
    );
    process.exit(2);
  }
}
