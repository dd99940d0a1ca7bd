import { Injectable } from '@nestjs/common';
import { KeyedMutex } from '@cobrowse/messaging';

/**
 * One change to a device at a time on the leader, by device document id: facts from the log,
 * heartbeats kept out of it, and presence folded into the document. On FerretDB a device
 * write is read-compare-write, so two of them interleaving would lose one.
 */
@Injectable()
export class DeviceLocks extends KeyedMutex {}
