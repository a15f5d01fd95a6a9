import { type Link, type ModbusClient, ModbusRTU } from './transport.js';

/** Modbus TCP (a meter with Ethernet, or an RTU gateway): modbus-serial's client on a socket. */
export class TcpLink implements Link {
  readonly target: string;
  /** A request that times out on TCP often means a dead (half-open) connection: start a fresh one. */
  readonly reopenAfterTimeout = true;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly connectTimeoutMs: number,
  ) {
    this.target = `tcp://${host}:${port}`;
  }

  async open(): Promise<ModbusClient> {
    const client = new ModbusRTU();
    client.setTimeout(this.connectTimeoutMs);
    try {
      await client.connectTCP(this.host, { port: this.port });
    } catch (err) {
      await this.shut(client);
      throw err;
    }
    return client;
  }

  async shut(client: ModbusClient): Promise<void> {
    await new Promise<void>((resolve) => client.destroy(() => resolve()));
  }

  async beforeRequest(): Promise<void> {}
}
