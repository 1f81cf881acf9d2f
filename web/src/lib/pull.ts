import { useEffect, useState } from "react";

const THRESHOLD_PX = 80;

/** Pull-to-refresh on touch screens: dragging down from the top of the page by more than
 * 80 px calls `refresh`. Returns how far the current pull has gone (0..1) for an indicator. */
export function usePullToRefresh(refresh: () => void): number {
  const [pulled, setPulled] = useState(0);
  useEffect(() => {
    let start: number | null = null;
    let distance = 0;
    const onStart = (e: TouchEvent) => {
      start = window.scrollY <= 0 && e.touches.length === 1 ? e.touches[0]!.clientY : null;
      distance = 0;
    };
    const onMove = (e: TouchEvent) => {
      if (start === null) return;
      distance = Math.max(0, e.touches[0]!.clientY - start);
      setPulled(Math.min(1, distance / THRESHOLD_PX));
    };
    const onEnd = () => {
      if (start !== null && distance >= THRESHOLD_PX) refresh();
      start = null;
      setPulled(0);
    };
    window.addEventListener("touchstart", onStart, { passive: true });
    window.addEventListener("touchmove", onMove, { passive: true });
    window.addEventListener("touchend", onEnd);
    return () => {
      window.removeEventListener("touchstart", onStart);
      window.removeEventListener("touchmove", onMove);
      window.removeEventListener("touchend", onEnd);
    };
  }, [refresh]);
  return pulled;
}
