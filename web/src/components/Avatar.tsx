/** A letter in a coloured circle, derived from the handle (feedcore has no profile pictures). */
export function Avatar({ handle }: { handle: string }) {
  let hue = 0;
  for (const ch of handle) hue = (hue * 31 + ch.charCodeAt(0)) % 360;
  return (
    <span className="avatar" aria-hidden="true" style={{ background: `hsl(${hue} 45% 35%)` }}>
      {handle.charAt(0).toUpperCase()}
    </span>
  );
}
