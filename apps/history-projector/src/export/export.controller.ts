import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RPC, type OpenExportReply, type OpenExportRequest } from '@cobrowse/contracts';
import { ExportSessionsService } from './export-sessions.service';

@Controller()
export class ExportController {
  constructor(private readonly exports: ExportSessionsService) {}

  @MessagePattern(RPC.projectorOpenExport)
  open(@Payload() request: OpenExportRequest): Promise<OpenExportReply> {
    return this.exports.open(request);
  }
}
