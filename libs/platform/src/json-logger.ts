import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { LogLevelName } from '@cobrowse/config';

const LEVELS: Record<LogLevelName, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Structured JSON logs, one object a line. Callers never pass keys, metadata values or IPs. */
export function createJsonLogger(service: string, level: LogLevelName): ConsoleLogger {
  return new ConsoleLogger(service, { json: true, colors: false, logLevels: LEVELS[level] });
}
