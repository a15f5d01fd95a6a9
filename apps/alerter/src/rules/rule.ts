import type { Alert, Info, Reading, Status, VoltageForecastMessage } from '@wattbus/contract';

/** One open problem: a subject (`<meter>/<channel>`, `<meter>` or `site`) and what is wrong with it. */
export interface OpenSubject {
  since: number;
  message: string;
  value?: number;
}

/**
 * An alert rule watches the stream and says, when asked, what is open at each site. The engine turns
 * changes of that answer into raise/resolve messages, so a rule holds no alert state of its own.
 */
export interface AlertRule {
  readonly id: string;
  readonly severity: Alert['severity'];
  onReading?(reading: Reading, now: number): void;
  onStatus?(site: string, status: Status, now: number): void;
  onInfo?(info: Info, now: number): void;
  /** A site's voltage forecast (`wattbus/v1/{site}/forecast/voltage`, retained), validated. */
  onVoltageForecast?(forecast: VoltageForecastMessage, now: number): void;
  /**
   * A retained alert of this rule, taken back after a restart. The rule takes back the state it needs to
   * keep reporting those subjects open, so the engine does not resolve them and raise them again later.
   */
  onRestore?(alert: Alert, now: number): void;
  /** Open subjects per site at `now`. Sites with nothing open may be left out. */
  evaluate(now: number): Map<string, Map<string, OpenSubject>>;
}
