/** Scrapes a Prometheus endpoint; `value('name{label="x"}')` is that series' value (0 if absent). */
export async function scrape(url: string): Promise<{ text: string; value(series: string): number }> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  const text = await res.text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\S+) (\S+)$/.exec(line);
    if (match && !line.startsWith('#')) values.set(match[1] as string, Number(match[2]));
  }
  return { text, value: (series) => values.get(series) ?? 0 };
}
