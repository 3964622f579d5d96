// Where a site-chat visitor is: place, map, local time, currency and IP
// address, or why the hub does not know (no GeoIP database, collection
// turned off in the privacy settings).
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CustomerContext, GeoLocation, PrivacySettings } from "../../lib/types";
import { useMe } from "../auth/auth";
import { clockTime, coordinates, countryName, currencyName, flag, hoursAndMinutes, offsetMinutes, validTimeZone } from "./intl";
import { Fact } from "./ui";

/** useNow is the current time, updated every `every` ms (on the boundary). */
function useNow(every: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      setNow(new Date());
      timer = setTimeout(tick, every - (Date.now() % every));
    };
    timer = setTimeout(tick, every - (Date.now() % every));
    return () => clearTimeout(timer);
  }, [every]);
  return now;
}

export function placeName(loc: GeoLocation | undefined, lang: string): string {
  if (!loc) return "";
  // The database's names are in one language (the visitor's): keep its
  // country name with its city, Intl's only when it has none.
  const country = loc.country || countryName(loc.country_code, lang);
  return [loc.city, loc.region, country].filter((s, i, all) => s && all.indexOf(s) === i).join(", ");
}

export function VisitorPlace({ context, privacy }: { context: CustomerContext; privacy?: PrivacySettings }) {
  const { t, i18n } = useTranslation("contact");
  const lang = i18n.language;
  const loc = context.location;
  const name = placeName(loc, lang);
  let noPlace = "";
  if (!loc) {
    if (privacy && !privacy.collect_location) noPlace = t("place.locationOff");
    else if (context.ip) noPlace = t("place.noGeoip");
    else noPlace = t("place.unknown");
  }
  return (
    <>
      {loc ? (
        <>
          <p className="place-name">
            <span aria-hidden="true">{flag(loc.country_code)}</span> <strong>{name || t("place.unnamed")}</strong>
          </p>
          <VisitorMap location={loc} label={name} />
        </>
      ) : (
        <p className="muted small" role="note">{noPlace}</p>
      )}
      <dl className="facts">
        {validTimeZone(context.time_zone) && <LocalTime timeZone={context.time_zone} />}
        {context.currency && (
          <Fact label={t("place.currency")}>
            <span>
              <strong>{context.currency}</strong> · {currencyName(context.currency, lang)}
            </span>
          </Fact>
        )}
        <Fact label={t("place.ip")}>
          {context.ip ? <code>{context.ip}</code> : <span className="muted">{privacy && !privacy.collect_ip ? t("place.ipOff") : t("place.none")}</span>}
        </Fact>
      </dl>
    </>
  );
}

function LocalTime({ timeZone }: { timeZone: string }) {
  const { t, i18n } = useTranslation("contact");
  const now = useNow(1000);
  const diff = offsetMinutes(timeZone, now) + now.getTimezoneOffset();
  const { hours, minutes } = hoursAndMinutes(diff);
  const span = minutes ? t("place.hoursMinutes", { hours, minutes }) : t("place.hours", { count: hours });
  return (
    <Fact label={t("place.localTime")}>
      <span>
        <time dateTime={now.toISOString()} data-testid="local-time">{clockTime(now, timeZone, i18n.language)}</time>{" "}
        <span className="muted small">
          {diff === 0 ? t("place.sameTime") : diff > 0 ? t("place.ahead", { span }) : t("place.behind", { span })} · {timeZone}
        </span>
      </span>
    </Fact>
  );
}

type MapState = "loading" | "ready" | "noTiles" | "failed";

/** VisitorMap loads Leaflet on first use; without tiles (offline, blocked)
 * it keeps the marker on a plain background and says so. */
function VisitorMap({ location, label }: { location: GeoLocation; label: string }) {
  const { t } = useTranslation("contact");
  const tileURL = useMe().data?.map_tile_url ?? "";
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<MapState>("loading");
  const { latitude, longitude } = location;
  const zoom = location.city ? 10 : location.region ? 7 : 4;
  useEffect(() => {
    let live = true;
    let unmount: (() => void) | undefined;
    import("./leafletMap")
      .then(({ mountMap }) => {
        if (!live || !box.current) return;
        unmount = mountMap(box.current, { latitude, longitude, tileURL, label, zoom, onTilesFailed: () => live && setState("noTiles") });
        setState((s) => (s === "loading" ? "ready" : s));
      })
      .catch(() => live && setState("failed"));
    return () => {
      live = false;
      unmount?.();
    };
  }, [latitude, longitude, tileURL, label, zoom]);
  const coords = coordinates(latitude, longitude);
  return (
    <figure className={`visitor-map map-${state}`}>
      <div ref={box} className="map-box" role="region" aria-label={t("place.map", { place: label || coords })} />
      {(state === "noTiles" || state === "failed") && (
        <p className="map-note" role="status">
          {t(state === "failed" ? "place.mapFailed" : "place.noTiles")}
        </p>
      )}
      <figcaption className="muted small">
        <span aria-hidden="true">📍</span> <span data-testid="coordinates">{coords}</span>
      </figcaption>
    </figure>
  );
}
