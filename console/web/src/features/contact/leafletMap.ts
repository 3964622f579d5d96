// The visitor map, with Leaflet: loaded only by a dynamic import (its own
// chunk, with its CSS), so the main bundle stays small.
import L from "leaflet";
import "leaflet/dist/leaflet.css";

export interface MapOptions {
  latitude: number;
  longitude: number;
  /** Leaflet tile URL template; "" draws no tiles */
  tileURL: string;
  /** names the place, for the marker's tooltip */
  label: string;
  /** city-level places zoom in closer than country-level ones */
  zoom: number;
  /** called once when the first tile fails to load (or there is no network) */
  onTilesFailed: () => void;
}

/** mountMap draws a map with a marker into el; the result removes it. */
export function mountMap(el: HTMLElement, o: MapOptions): () => void {
  const at: L.LatLngExpression = [o.latitude, o.longitude];
  const map = L.map(el, { center: at, zoom: o.zoom, scrollWheelZoom: false, attributionControl: true });
  map.attributionControl.setPrefix(false);
  if (o.tileURL && navigator.onLine) {
    let failed = false;
    L.tileLayer(o.tileURL, {
      maxZoom: 18,
      // Tile servers (OpenStreetMap's policy) want to know the site asking;
      // the console's origin says so, its paths (conversation ids) stay home.
      referrerPolicy: "strict-origin",
      attribution: o.tileURL.includes("openstreetmap") ? '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>' : "",
    })
      .on("tileerror", () => {
        if (!failed) {
          failed = true;
          o.onTilesFailed();
        }
      })
      .addTo(map);
  } else {
    o.onTilesFailed();
  }
  const icon = L.divIcon({ className: "visitor-pin", html: '<span data-testid="map-marker"></span>', iconSize: [18, 18], iconAnchor: [9, 9] });
  L.marker(at, { icon, title: o.label, keyboard: false, interactive: false }).addTo(map);
  return () => map.remove();
}
