import { connect, type Socket } from 'node:net';
import { mqttPacket, mqttString, mqttU16 } from '@wattbus/testkit';

/** MQTT 3.1.1 packets written byte by byte, for clients that misbehave in ways mqtt.js will not. */
export function connectPacket(clientId: string, username: string, password: string, keepaliveS = 30): Buffer {
  const header = Buffer.concat([mqttString('MQTT'), Buffer.from([4, 0b1100_0010, keepaliveS >> 8, keepaliveS & 0xff])]);
  return mqttPacket(0x10, header, mqttString(clientId), mqttString(username), mqttString(password));
}

export function subscribePacket(filter: string | Buffer, qos: 0 | 1, packetId = 1): Buffer {
  return mqttPacket(0x82, mqttU16(packetId), mqttString(filter), Buffer.from([qos]));
}

/** A QoS 0 PUBLISH; `topic` as a Buffer carries exactly those bytes. */
export function publishPacket(topic: string | Buffer, payload: string): Buffer {
  return mqttPacket(0x30, mqttString(topic), Buffer.from(payload));
}

const PINGREQ = Buffer.from([0xc0, 0x00]);

export interface Login {
  clientId: string;
  username: string;
  password: string;
}

/** A plain TCP connection that has sent CONNECT and received its CONNACK (4 bytes); `closed` settles on close. */
export async function rawSession(port: number, login: Login): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(connectPacket(login.clientId, login.username, login.password));
  await new Promise<void>((resolve, reject) => {
    socket.once('data', (chunk: Buffer) =>
      chunk[0] === 0x20 && chunk[3] === 0 ? resolve() : reject(new Error(`not accepted: ${chunk.toString('hex')}`)),
    );
    socket.once('close', () => reject(new Error('closed before CONNACK')));
  });
  socket.on('data', () => {});
  return { socket, closed };
}

/**
 * A client that logs in, subscribes, keeps its connection alive with PINGREQs, and never reads its socket:
 * what the broker writes piles up in the kernel's buffers and then in the broker's.
 */
export class NeverReadingClient {
  private readonly socket: Socket;
  private readonly pinger: NodeJS.Timeout;
  /** Set once the socket closed or failed (seen only after `resume()`: a paused socket reports nothing). */
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('close', () => {
      this.closed = true;
    });
    this.pinger = setInterval(() => socket.writable && socket.write(PINGREQ), 3_000);
  }

  /** Resolves once the broker acknowledged the subscription (CONNACK and SUBACK read), with the socket paused. */
  static async open(port: number, login: Login, filter: string) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(connectPacket(login.clientId, login.username, login.password, 10));
    socket.write(subscribePacket(filter, 1));
    // CONNACK (4 bytes) and SUBACK (5 bytes) are all the broker sends before the first message.
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        received += chunk.length;
        if (received < 9) return;
        socket.off('data', onData);
        socket.pause();
        resolve();
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('closed before SUBACK')));
    });
    return new NeverReadingClient(socket);
  }

  /** Reads (and discards) whatever arrived, so a close by the broker becomes visible. */
  resume(): void {
    this.socket.on('data', () => {});
    this.socket.resume();
  }

  destroy(): void {
    clearInterval(this.pinger);
    this.socket.destroy();
  }
}
