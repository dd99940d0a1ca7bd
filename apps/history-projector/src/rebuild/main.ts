import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createJsonLogger, loadConfigOrExit } from '@cobrowse/platform';
import { RebuildModule } from './rebuild.module';
import { RebuildReadModelUseCase, type RebuildProgress } from './rebuild-read-model.usecase';

/** `npm run rebuild`: replays the event log into a fresh sessions read model and switches over. */
async function main(): Promise<void> {
  const config = loadConfigOrExit('rebuild', ['NATS_URL', 'MONGODB_URL']);
  const app = await NestFactory.createApplicationContext(RebuildModule.forRoot(config), {
    logger: createJsonLogger('rebuild', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
  });
  const started = Date.now();
  let lastLine = 0;
  const print = (p: RebuildProgress) => {
    if (p.phase === 'replaying' && Date.now() - lastLine < 1_000) return;
    lastLine = Date.now();
    const pct = p.lastSeq ? Math.min(100, Math.floor((p.seq / p.lastSeq) * 100)) : 100;
    process.stdout.write(
      `rebuild ${p.phase}: log position ${p.seq} of ${p.lastSeq} (${pct}%), ${p.applied} events applied, ${p.skipped} skipped\n`,
    );
  };
  try {
    const result = await app.get(RebuildReadModelUseCase).execute(print);
    process.stdout.write(
      `rebuild done in ${((Date.now() - started) / 1000).toFixed(1)} s: live read model is now ${result.collection} ` +
        `(was ${result.previous})\n`,
    );
  } finally {
    await app.close();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`rebuild failed: ${e.message}\n`);
  process.exit(1);
});
