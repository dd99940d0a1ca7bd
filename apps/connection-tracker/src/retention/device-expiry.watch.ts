import { Injectable } from '@nestjs/common';
import { ExpiryWatch } from '@cobrowse/platform';

/** The tracker's ExpiryWatch: tracking notes each device left idle, the sweeper asks whether to scan. */
@Injectable()
export class DeviceExpiryWatch extends ExpiryWatch {}
