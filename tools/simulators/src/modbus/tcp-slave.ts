import { createServer, type Socket } from 'node:net';
import type { SlaveBank } from './bank.js';

export interface TcpSlave {
  readonly host: string;
  readonly port: number;
  /** Drops every client connection, as a gateway reboot would. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** MBAP header: transaction id, protocol id (0), length of what follows, unit id. */
const MBAP_BYTES = 7;

/**
 * A Modbus TCP server for every unit of `bank` (a gateway with several meters behind it). Over TCP there is
 * no CRC: a unit set to 'bad-crc' answers with its data cut short instead.
 */
export async function startTcpSlave(
  bank: SlaveBank,
  options: { host?: string; port?: number } = {},
): Promise<TcpSlave> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= MBAP_BYTES) {
        const length = buffer.readUInt16BE(4);
        if (buffer.length < 6 + length) break;
        const adu = buffer.subarray(0, 6 + length);
        buffer = buffer.subarray(6 + length);
        const unit = adu[6] ?? 0;
        const answer = bank.answer(unit, adu.subarray(MBAP_BYTES));
        if (!answer) continue;
        const pdu = answer.corrupt ? answer.pdu.subarray(0, answer.pdu.length - 2) : answer.pdu;
        const header = Buffer.alloc(MBAP_BYTES);
        header.writeUInt16BE(adu.readUInt16BE(0), 0);
        header.writeUInt16BE(pdu.length + 1, 4);
        header[6] = unit;
        socket.write(Buffer.concat([header, pdu]));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('TCP slave has no port');
  return {
    host,
    port: address.port,
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
