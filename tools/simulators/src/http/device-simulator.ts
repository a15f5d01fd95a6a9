import { type SimAnswer, SimHttpServer, type SimHttpServerOptions, type TransportFault } from './sim-server.js';

/**
 * The base of the HTTP device simulators: a fault-injecting server on a local port that hands each request to
 * the device's own `answer`. A device adds only what it serves and the state behind it.
 */
export abstract class HttpDeviceSimulator<DataFault extends string> {
  private readonly http: SimHttpServer<DataFault>;

  constructor(options: Omit<SimHttpServerOptions<DataFault>, 'handle'>) {
    this.http = new SimHttpServer<DataFault>({ ...options, handle: (url, fault) => this.answer(url, fault) });
  }

  /** What the device answers to `url`, with a data fault of its own if one was injected. */
  protected abstract answer(url: URL, fault: DataFault | undefined): SimAnswer | undefined;

  get url(): string {
    return this.http.url;
  }

  /** Path and query of every request served. */
  get requests(): readonly string[] {
    return this.http.requests;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** The next `times` requests get this fault. */
  inject(fault: DataFault | TransportFault, times = 1): void {
    this.http.inject(fault, times);
  }
}
