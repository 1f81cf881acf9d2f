import { degraded, rateLimitedUntil } from "../api/client";
import { online } from "../lib/online";
import { useStore } from "../lib/store";
import { useCountdown } from "./Notice";

/** Page-wide conditions: offline, a degraded backend, the rate limit. */
export function Banners() {
  const isOnline = useStore(online);
  const isDegraded = useStore(degraded);
  const left = useCountdown(useStore(rateLimitedUntil));
  return (
    <div aria-live="polite">
      {!isOnline && (
        <p className="banner offline" role="status">
          You are offline. What you see may be out of date; changes will fail until you reconnect.
        </p>
      )}
      {isDegraded && (
        <p className="banner degraded" role="status">
          Some of feedcore's services are degraded: feeds may be slower or a little out of date.
        </p>
      )}
      {left > 0 && (
        <p className="banner limited" role="status">
          You have reached the request limit. Try again in {left} s.
        </p>
      )}
    </div>
  );
}
