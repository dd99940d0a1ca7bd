import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
/** `true` / `false` (any case) as booleans; anything else is left for @IsBoolean to refuse. */
const toBool = ({ value }: { value: unknown }) => {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  return text === 'true' ? true : text === 'false' ? false : text;
};

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Environment configuration; names are part of the contract (SPEC section 8). */
export class AppConfig {
  @IsString()
  @Matches(/^(nats|tls|ws|wss):\/\/\S+$/, {
    message: 'NATS_URL must look like nats://host:port (comma-separate several)',
  })
  NATS_URL!: string;

  /** The services' NATS identity (the `services` user of the shipped authorization); none for an open server. */
  @IsOptional()
  @IsString()
  NATS_USER?: string;

  @IsOptional()
  @IsString()
  NATS_PASSWORD?: string;

  /**
   * The CA that signed the NATS servers' certificates, when they speak TLS to their clients
   * (NATS_URL tls://…, the Kubernetes production overlay); none: the system's CAs.
   */
  @IsOptional()
  @IsString()
  NATS_TLS_CA_FILE?: string;

  @IsOptional()
  @IsString()
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, {
    message: 'MONGODB_URL must be a mongodb:// or mongodb+srv:// connection string',
  })
  MONGODB_URL?: string;

  @IsOptional()
  @IsString()
  COBROWSE_API_KEYS?: string;

  @Transform(toInt)
  @IsInt({ message: 'GATEWAY_PORT must be a whole number' })
  @Min(0)
  @Max(65535)
  GATEWAY_PORT = 3000;

  @IsString()
  @Matches(/^[\w.:-]+$/, {
    message: 'GATEWAY_HOST must be an interface address such as 127.0.0.1 or 0.0.0.0',
  })
  GATEWAY_HOST = '127.0.0.1';

  /**
   * The port of a back-end service's own HTTP listener for GET /livez, /readyz and /metrics
   * (0 = any free port, named in the "probes listening" log line). The gateway answers them on
   * GATEWAY_PORT instead.
   */
  @Transform(toInt)
  @IsInt({ message: 'PROBE_PORT must be a whole number' })
  @Min(0)
  @Max(65535)
  PROBE_PORT = 9464;

  @IsString()
  @Matches(/^[\w.:-]+$/, {
    message: 'PROBE_HOST must be an interface address such as 127.0.0.1 or 0.0.0.0',
  })
  PROBE_HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt({ message: 'SESSION_INACTIVITY_TIMEOUT_MS must be a whole number of milliseconds' })
  @Min(100)
  SESSION_INACTIVITY_TIMEOUT_MS = 300_000;

  @Transform(toInt)
  @IsInt({ message: 'RETENTION_SWEEP_INTERVAL_MS must be a whole number of milliseconds' })
  @Min(100)
  RETENTION_SWEEP_INTERVAL_MS = 60_000;

  @Transform(toInt)
  @IsInt({ message: 'EVENTS_STREAM_REPLICAS must be 1, 3 or 5' })
  @IsIn([1, 3, 5], { message: 'EVENTS_STREAM_REPLICAS must be 1, 3 or 5' })
  EVENTS_STREAM_REPLICAS = 1;

  /** JetStream's duplicate window; lasting idempotency does not depend on it (see docs/events.md). */
  @Transform(toInt)
  @IsInt({ message: 'EVENTS_DUPLICATE_WINDOW_MS must be a whole number of milliseconds' })
  @Min(100)
  EVENTS_DUPLICATE_WINDOW_MS = 120_000;

  /**
   * The event log's own age limit, in days (0 = none). It must outlive every read model the
   * log rebuilds: retention TTLs are capped at this minus EVENTS_MAX_AGE_MARGIN_DAYS (see docs/data-lifecycle.md).
   */
  @Transform(toInt)
  @IsInt({ message: 'EVENTS_MAX_AGE_DAYS must be a whole number of days (0 = no age limit)' })
  @Min(0)
  EVENTS_MAX_AGE_DAYS = 400;

  /**
   * A leader (projector, tracker) whose consumer or database makes no progress for this long
   * hands its lease to a standby (docs/operations.md, "Leadership").
   */
  @Transform(toInt)
  @IsInt({ message: 'LEADERSHIP_STALL_MS must be a whole number of milliseconds' })
  @Min(1_000)
  LEADERSHIP_STALL_MS = 20_000;

  /** How often SSE streams send a keep-alive comment; the SPEC asks for at least every 15 s. */
  @Transform(toInt)
  @IsInt({ message: 'SSE_KEEPALIVE_MS must be a whole number of milliseconds' })
  @Min(100)
  @Max(15_000, { message: 'SSE_KEEPALIVE_MS must be at most 15000 (proxies close quiet streams)' })
  SSE_KEEPALIVE_MS = 10_000;

  /**
   * Webhook targets on loopback, private, link-local or metadata addresses, and plain http://,
   * are refused unless this is `true` (local development and tests; SPEC section 11).
   */
  @Transform(toBool)
  @IsBoolean({ message: 'WEBHOOKS_ALLOW_PRIVATE must be true or false' })
  WEBHOOKS_ALLOW_PRIVATE = false;

  /**
   * Delays before each retry of a failed delivery, milliseconds, comma-separated (the first
   * attempt is immediate). The default is SPEC section 11's schedule; tests shorten it.
   */
  @Matches(/^\s*\d+(\s*,\s*\d+)*\s*$/, {
    message: 'WEBHOOK_RETRY_SCHEDULE_MS must be whole numbers of milliseconds, comma-separated',
  })
  WEBHOOK_RETRY_SCHEDULE_MS = '0,5000,300000,1800000,7200000,18000000,36000000,36000000';

  /** An endpoint whose every delivery has failed for this long is disabled (5 days). */
  @Transform(toInt)
  @IsInt({ message: 'WEBHOOK_DISABLE_AFTER_MS must be a whole number of milliseconds' })
  @Min(1_000)
  WEBHOOK_DISABLE_AFTER_MS = 5 * 24 * 3600 * 1000;

  /** A delivery not answered within this long has failed (SPEC section 11: 15 s). */
  @Transform(toInt)
  @IsInt({ message: 'WEBHOOK_TIMEOUT_MS must be a whole number of milliseconds' })
  @Min(100)
  WEBHOOK_TIMEOUT_MS = 15_000;

  /**
   * Lets a trusted issuer's `jwks_url` be plain http or reach loopback and private addresses
   * (local runs and tests); off, key sets are fetched only over https from public addresses.
   */
  @Transform(toBool)
  @IsBoolean({ message: 'JWKS_ALLOW_PRIVATE must be true or false' })
  JWKS_ALLOW_PRIVATE = false;

  /**
   * A token naming a `kid` its issuer's cached key set lacks fetches the set again at most this
   * often per issuer (key rotation without a restart, and no fetch storm from made-up kids).
   */
  @Transform(toInt)
  @IsInt({ message: 'JWKS_REFETCH_COOLDOWN_MS must be a whole number of milliseconds' })
  @Min(0)
  JWKS_REFETCH_COOLDOWN_MS = 30_000;

  /** How long the audit of administrative actions is kept (SPEC section 12). */
  @Transform(toInt)
  @IsInt({ message: 'AUDIT_RETENTION_DAYS must be a whole number of days' })
  @Min(1)
  AUDIT_RETENTION_DAYS = 400;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevelName = 'info';
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Reads and validates the environment; every problem is named at once. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  required: Array<keyof AppConfig> = [],
): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AppConfig, present, { excludeExtraneousValues: false });
  const problems = validateSync(config, { skipMissingProperties: false }).flatMap((e) =>
    Object.values(e.constraints ?? {}),
  );
  for (const key of required) {
    if (config[key] === undefined) problems.push(`${String(key)} is required`);
  }
  if (problems.length) throw new ConfigValidationError([...new Set(problems)]);
  return config;
}

/** Database name from the URL path, `cobrowse` when the URL names none. */
export function databaseName(mongoUrl: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(mongoUrl);
  return match?.[1] ? decodeURIComponent(match[1]) : 'cobrowse';
}
