// Durations and relative times as the dashboard reads them: "12 min", "1 h 05 min", "in 2 h".
import { useEffect, useState } from 'react';

const MINUTE = 60_000;

/** A number of minutes as "45 min" or "1 h 05 min" (minutes padded so columns of times line up). */
export function durationText(minutes: number): string {
  const whole = Math.max(0, Math.floor(minutes));
  if (whole < 60) return `${whole} min`;
  const rest = whole % 60;
  const hours = Math.floor(whole / 60);
  return rest === 0 ? `${hours} h` : `${hours} h ${String(rest).padStart(2, '0')} min`;
}

/** Whole minutes from `startIso` to `now`; never negative (the PC's clock may trail the core's). */
export function elapsedMinutes(startIso: string, now: Date): number {
  return Math.max(0, (now.getTime() - new Date(startIso).getTime()) / MINUTE);
}

/** "less than 1 min", "12 min", "1 h 05 min": how long a run has been going. */
export function elapsedText(startIso: string, now: Date): string {
  const minutes = elapsedMinutes(startIso, now);
  return minutes < 1 ? 'less than 1 min' : durationText(minutes);
}

/** "in 5 min", "in 1 h 30 min", "in 2 h", "in 3 days" — or "due now" for a time already reached. */
export function untilText(atIso: string, now: Date): string {
  const minutes = Math.round((new Date(atIso).getTime() - now.getTime()) / MINUTE);
  if (minutes <= 0) return 'due now';
  // Exact to the minute while it matters for walking to the robot; rounder further out.
  if (minutes < 10 * 60) return `in ${durationText(minutes)}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}

/** The current time, renewed every `everyMs`; only the component that shows a clock re-renders. */
export function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => { setNow(new Date()); }, everyMs);
    return () => { window.clearInterval(timer); };
  }, [everyMs]);
  return now;
}
