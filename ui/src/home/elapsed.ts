/** "12 min", "1 h 05 min": how long since `startIso` at `now`. */
export function elapsedText(startIso: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(startIso).getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Elapsed against expected, as a percentage for a progress bar (can pass 100). */
export function elapsedPercent(startIso: string, expectedMinutes: number, now: Date): number {
  const minutes = (now.getTime() - new Date(startIso).getTime()) / 60_000;
  return Math.max(0, (minutes / expectedMinutes) * 100);
}

/** "in 5 min", "in 2 h", "in 3 days" — or "now" for what is due. */
export function untilText(atIso: string, now: Date): string {
  const minutes = Math.round((new Date(atIso).getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return 'now';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}
