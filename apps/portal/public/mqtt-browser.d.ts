// The part of mqtt.js 5 that live.js uses, as its browser bundle offers it: live.js imports
// `/vendor/mqtt.esm.js`, which the portal serves from node_modules/mqtt/dist (src/static-files.ts), and
// tsconfig.json maps that path here. The package's own types describe its Node build (Buffer, streams), which
// the page's type check, without Node's types, cannot load.

export interface ClientOptions {
  username: string;
  password: string;
  clientId: string;
  clean: boolean;
  protocolVersion: 4 | 5;
  /** ms between reconnection attempts */
  reconnectPeriod: number;
}

export interface MqttClient {
  on(event: 'connect' | 'close', listener: () => void): MqttClient;
  on(event: 'error', listener: (err: Error) => void): MqttClient;
  /** The bundle's payload is its Buffer polyfill, a Uint8Array. */
  on(event: 'message', listener: (topic: string, payload: Uint8Array) => void): MqttClient;
  subscribe(filters: string[], options: { qos: 0 | 1 | 2 }, callback: (err: Error | null) => void): MqttClient;
  /** `force`: close at once, without waiting for messages in flight. */
  end(force: boolean): MqttClient;
}

declare const mqtt: {
  connect(url: string, options: ClientOptions): MqttClient;
};
export default mqtt;
