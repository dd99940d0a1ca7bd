import { Injectable } from '@nestjs/common';
import { ExpiryWatch } from '@cobrowse/platform';

/** The projector's ExpiryWatch: the projection notes each session end, the sweeper asks whether to scan. */
@Injectable()
export class SessionExpiryWatch extends ExpiryWatch {}
