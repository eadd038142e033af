/* thaadsim web map (plain ES2019, no build step, no network access beyond this server).
 *
 * The API is described in docs/web-api.md. State lives in location.hash, e.g.
 *   #b=35.95,128.17+37,127&ts=nk-default&radar=tpy2-terminal&grid=5&rt=30&layers=fp,sls&alt=100
 *    &v=36.2,127.8,7
 * b: batteries (preset site names or LAT,LON, optionally SYSTEM@ (pac3-mse@37.55,126.99; THAAD
 * by default), "+"-separated; "withdrawn" for none), ts: threat
 * set, radar: radar mode, grid: grid km, rt: reaction time (s, optional), q: interceptor airframe
 * dynamic-pressure limit (Pa, optional), layers: fp (one shot),
 * sls (shoot-look-shoot), cov (radar coverage), traj (trajectories), watch (China's ICBM flights
 * the first battery's radar holds in firm track), alt: coverage altitude (km), wm: watch mode,
 * v: map centre and zoom.
 */
(function () {
  "use strict";

  var DEFAULT_VIEW = { lat: 36.0, lon: 127.5, zoom: 7 };
  var DEBOUNCE_MS = 250;
  var LAYER_KEYS = ["fp", "sls", "cov", "traj", "watch"];
  var WATCH_COLORS = ["#d62728", "#1b9e77", "#d95f02", "#7570b3"];
  var FMT_INT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

  var presets = null;
  var state = {
    batteries: [], // {lat, lon, site (preset id or null)}
    ts: "nk-default",
    radar: "tpy2-terminal",
    grid: "5",
    rt: "",
    q: "",
    layers: { fp: true, sls: true, cov: false, traj: false, watch: false },
    alt: "100",
    wm: "tpy2-forward",
  };
  var lastFootprint = null;
  var lastFootprintQuery = "";
  var geojsonUrl = null;
  var revision = 0;
  var cityIndex = {}; // name -> key-city feature properties (from the last footprint)
  var allCities = []; // [{name, country, population, lat, lon}]

  var map, layers = {}, batteryMarkers = [];
  var footprintTimer = null, footprintCtl = null, coverageCtl = null, coverageTimer = null;
  var watchCtl = null, watchTimer = null;
  var busyCount = 0, retryNote = "";
  var placing = false;
  var hashTimer = null;

  function $(id) { return document.getElementById(id); }

  // ------------------------------------------------------------------ formatting helpers
  function fmtCoord(x) { return String(Number(Number(x).toFixed(4))); }
  function fmtPct(f) { return (100 * f).toFixed(1); }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function unitText(u) {
    if (u === undefined || u === null) return "";
    u = String(u);
    if (/^km\^?2$|^km²$|^square km$/i.test(u)) return "km²";
    return u;
  }
  function isFractionUnit(u) {
    return u === undefined || u === null || u === "" || u === "1" || /^(fraction|share|ratio|-)\b/i.test(String(u));
  }
  function sourceText(s) {
    if (s === undefined || s === null) return "";
    if (Array.isArray(s)) return s.join("; ");
    if (typeof s === "object") return JSON.stringify(s);
    return String(s);
  }

  // ------------------------------------------------------------------ HTTP
  function ApiError(status, message, body) {
    this.name = "ApiError";
    this.status = status;
    this.message = message;
    this.body = body;
  }
  ApiError.prototype = Object.create(Error.prototype);

  function queryString(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v === undefined || v === null || v === "") return;
      parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(String(v)));
    });
    return parts.join("&");
  }

  function sleep(ms, signal) {
    return new Promise(function (resolve, reject) {
      var t = setTimeout(resolve, ms);
      if (signal) {
        signal.addEventListener("abort", function () {
          clearTimeout(t);
          reject(new DOMException("Aborted", "AbortError"));
        });
      }
    });
  }

  function busy(delta) {
    busyCount = Math.max(0, busyCount + delta);
    renderBusy();
  }
  function renderBusy() {
    var el = $("busy");
    var show = busyCount > 0 || retryNote !== "";
    el.hidden = !show;
    $("busy-text").textContent = retryNote || "Computing…";
    $("map").setAttribute("aria-busy", busyCount > 0 ? "true" : "false");
    document.body.setAttribute("data-busy", busyCount > 0 ? "1" : "0");
  }

  /* GET path?params as JSON. 400 -> ApiError with the server's one-line message; 503 -> wait
   * Retry-After seconds (shown as "busy, retrying") and try again until aborted. */
  async function apiGet(path, params, signal) {
    var url = path + (params ? "?" + queryString(params) : "");
    busy(+1);
    try {
      for (var attempt = 0; ; attempt++) {
        var resp = await fetch(url, { signal: signal, headers: { Accept: "application/json" } });
        if (resp.status === 503) {
          var ra = parseFloat(resp.headers.get("Retry-After") || "");
          if (!isFinite(ra) || ra <= 0) ra = Math.min(2 * (attempt + 1), 10);
          ra = Math.min(ra, 60);
          retryNote = "Server busy, retrying in " + Math.ceil(ra) + " s…";
          renderBusy();
          try { await sleep(ra * 1000, signal); } finally { retryNote = ""; renderBusy(); }
          continue;
        }
        var body = null;
        var text = await resp.text();
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        if (!resp.ok) {
          var msg = body && body.error && body.error.message ? body.error.message
            : "HTTP " + resp.status + " from " + path;
          throw new ApiError(resp.status, msg, body);
        }
        return body;
      }
    } finally {
      busy(-1);
    }
  }

  function isAbort(e) { return e && (e.name === "AbortError"); }

  // ------------------------------------------------------------------ errors
  function showError(message) {
    $("error-text").textContent = message;
    $("error").hidden = false;
  }
  function clearError() {
    $("error-text").textContent = "";
    $("error").hidden = true;
  }
  function reportError(e, what) {
    if (isAbort(e)) return;
    if (e instanceof ApiError) showError(e.message);
    else showError((what ? what + ": " : "") + (e && e.message ? e.message : String(e)));
    if (window.console && !(e instanceof ApiError)) console.warn(e);
  }

  // ------------------------------------------------------------------ URL state
  function batteryToken(b) {
    var where = b.site ? b.site : fmtCoord(b.lat) + "," + fmtCoord(b.lon);
    return b.system && b.system !== "thaad" ? b.system + "@" + where : where;
  }
  function batteryParam() {
    if (!state.batteries.length) return "withdrawn";
    return state.batteries.map(batteryToken).join("+");
  }
  function siteById(id) {
    if (!presets || !presets.sites) return null;
    for (var i = 0; i < presets.sites.length; i++) if (presets.sites[i].id === id) return presets.sites[i];
    return null;
  }
  function parseBatteries(text) {
    if (text === "withdrawn" || text === "") return [];
    return text.split(/[+ ]/).filter(Boolean).map(function (tok) {
      var system = "thaad", at = tok.indexOf("@");
      if (at > 0) { system = tok.slice(0, at).toLowerCase(); tok = tok.slice(at + 1); }
      var site = siteById(tok);
      if (site) return { lat: site.lat, lon: site.lon, site: site.id, system: system };
      var m = tok.split(",");
      var lat = parseFloat(m[0]), lon = parseFloat(m[1]);
      if (m.length === 2 && isFinite(lat) && isFinite(lon)) return { lat: lat, lon: lon, site: null, system: system };
      // unknown: keep it as written so the server names the bad parameter
      return { lat: NaN, lon: NaN, site: (system !== "thaad" ? system + "@" : "") + tok, system: "thaad" };
    });
  }

  function readHash() {
    var h = location.hash.replace(/^#/, "");
    var out = {};
    if (!h) return out;
    h.split("&").forEach(function (part) {
      if (!part) return;
      var i = part.indexOf("=");
      var k = i < 0 ? part : part.slice(0, i);
      var v = i < 0 ? "" : part.slice(i + 1);
      try { out[decodeURIComponent(k)] = decodeURIComponent(v); } catch (e) { out[k] = v; }
    });
    return out;
  }

  function enc(v) { return encodeURIComponent(v).replace(/%2C/gi, ",").replace(/%2B/gi, "+").replace(/%40/gi, "@"); }

  function buildHash() {
    var parts = [
      "b=" + enc(batteryParam()),
      "ts=" + enc(state.ts),
      "radar=" + enc(state.radar),
      "grid=" + enc(state.grid),
    ];
    if (state.rt !== "") parts.push("rt=" + enc(state.rt));
    if (state.q !== "") parts.push("q=" + enc(state.q));
    var on = LAYER_KEYS.filter(function (k) { return state.layers[k]; });
    parts.push("layers=" + (on.length ? on.join(",") : "none"));
    if (state.layers.cov) parts.push("alt=" + enc(state.alt));
    if (state.layers.watch) parts.push("wm=" + enc(state.wm));
    if (map) {
      var c = map.getCenter();
      parts.push("v=" + c.lat.toFixed(3) + "," + c.lng.toFixed(3) + "," + map.getZoom());
    }
    return "#" + parts.join("&");
  }

  function writeHash() {
    var h = buildHash();
    if (h !== location.hash) history.replaceState(null, "", h);
  }
  function writeHashSoon() {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(writeHash, 150);
  }

  /* State from the hash (anything missing from the presets' defaults). */
  function stateFromHash() {
    var h = readHash();
    var d = (presets && presets.defaults) || {};
    state.ts = h.ts || d.threat_set || "nk-default";
    state.radar = h.radar || d.radar || "tpy2-terminal";
    state.grid = h.grid || String(d.grid_km || 5);
    state.rt = h.rt !== undefined ? h.rt : "";
    state.q = h.q !== undefined ? h.q : "";
    if (h.layers !== undefined) {
      var on = h.layers === "none" ? [] : h.layers.split(",");
      LAYER_KEYS.forEach(function (k) { state.layers[k] = on.indexOf(k) >= 0; });
    } else {
      state.layers = { fp: true, sls: true, cov: false, traj: false, watch: false };
    }
    state.alt = h.alt || "100";
    state.wm = h.wm === "tpy2-terminal" ? "tpy2-terminal" : "tpy2-forward";
    state.batteries = parseBatteries(h.b !== undefined ? h.b : (d.battery || "seongju"));
    var view = null;
    if (h.v) {
      var v = h.v.split(",").map(parseFloat);
      if (v.length === 3 && v.every(isFinite)) view = { lat: v[0], lon: v[1], zoom: Math.round(v[2]) };
    }
    return view;
  }

  // ------------------------------------------------------------------ controls <-> state
  function ensureOption(select, value, label) {
    for (var i = 0; i < select.options.length; i++) if (select.options[i].value === value) return;
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    o.setAttribute("data-custom", "1");
    select.appendChild(o);
  }

  function stateToControls() {
    ensureOption($("threat-set"), state.ts, state.ts);
    $("threat-set").value = state.ts;
    ensureOption($("radar"), state.radar, state.radar);
    $("radar").value = state.radar;
    ensureOption($("grid"), state.grid, state.grid + " km");
    $("grid").value = state.grid;
    $("reaction-time").value = state.rt;
    ensureOption($("q-limit"), state.q, (Number(state.q) / 1e6) + " MPa");
    $("q-limit").value = state.q;
    ensureOption($("coverage-altitude"), state.alt, state.alt + " km");
    $("coverage-altitude").value = state.alt;
    LAYER_KEYS.forEach(function (k) { $("layer-" + k).checked = !!state.layers[k]; });
    $("coverage-altitude").disabled = !state.layers.cov;
    $("watch-mode").value = state.wm;
    $("watch-mode").disabled = !state.layers.watch;
    describeThreatSet();
  }

  function describeThreatSet() {
    var ts = threatSet(state.ts);
    $("threat-set-description").textContent = ts
      ? sentence(ts.description) + (ts.missiles && ts.missiles.length ? " Missiles: " + ts.missiles.join(", ") + "." : "")
      : "";
    var hasLaunch = launchAreas(ts).length > 0;
    $("traj-row").hidden = !hasLaunch;
    if (!hasLaunch && state.layers.traj) {
      state.layers.traj = false;
      $("layer-traj").checked = false;
      layers.traj.clearLayers();
    }
  }

  function sentence(t) {
    t = (t || "").trim();
    return t && !/[.!?]$/.test(t) ? t + "." : t;
  }

  function threatSet(id) {
    if (!presets || !presets.threat_sets) return null;
    for (var i = 0; i < presets.threat_sets.length; i++) if (presets.threat_sets[i].id === id) return presets.threat_sets[i];
    return null;
  }
  function launchAreas(ts) {
    if (!ts) return [];
    var list = ts.launch_areas || ts.launch_area || [];
    return list.map(function (a) {
      return { name: a.name || "launch area", lat: a.lat !== undefined ? a.lat : a.lat_deg, lon: a.lon !== undefined ? a.lon : a.lon_deg };
    }).filter(function (a) { return isFinite(a.lat) && isFinite(a.lon); });
  }

  function bindControls() {
    $("threat-set").addEventListener("change", function (e) { state.ts = e.target.value; describeThreatSet(); changed(); });
    $("radar").addEventListener("change", function (e) { state.radar = e.target.value; changed({ coverage: true }); });
    $("grid").addEventListener("change", function (e) { state.grid = e.target.value; changed(); });
    $("reaction-time").addEventListener("change", function (e) { state.rt = e.target.value.trim(); changed(); });
    $("q-limit").addEventListener("change", function (e) { state.q = e.target.value; changed(); });
    LAYER_KEYS.forEach(function (k) {
      $("layer-" + k).addEventListener("change", function (e) {
        state.layers[k] = e.target.checked;
        $("coverage-altitude").disabled = !state.layers.cov;
        applyLayerVisibility();
        if (k === "cov") requestCoverage();
        if (k === "watch") requestWatch();
        if (k === "traj" && !e.target.checked) layers.traj.clearLayers();
        writeHash();
      });
    });
    $("coverage-altitude").addEventListener("change", function (e) { state.alt = e.target.value; writeHash(); requestCoverage(); });
    $("watch-mode").addEventListener("change", function (e) { state.wm = e.target.value; writeHash(); requestWatch(); });
    $("add-battery").addEventListener("click", function (e) {
      // Keyboard activation (detail 0) adds at the map centre; a mouse click starts placing.
      if (e.detail === 0) addBattery(map.getCenter());
      else setPlacing(!placing);
    });
    $("add-battery-centre").addEventListener("click", function () { addBattery(map.getCenter()); });
    $("error-close").addEventListener("click", clearError);
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && placing) setPlacing(false);
    });
    window.addEventListener("hashchange", function () {
      var view = stateFromHash();
      stateToControls();
      renderBatteries();
      if (view) map.setView([view.lat, view.lon], view.zoom);
      requestFootprint(true);
      requestCoverage();
      requestWatch();
    });
  }

  function changed(opts) {
    writeHash();
    requestFootprint(false);
    if (opts && opts.coverage) { requestCoverage(); requestWatch(); }
  }

  // ------------------------------------------------------------------ batteries
  function maxBatteries() { return (presets && presets.limits && presets.limits.max_batteries) || 4; }

  function setPlacing(on) {
    placing = on && state.batteries.length < maxBatteries();
    $("add-battery").setAttribute("aria-pressed", placing ? "true" : "false");
    $("placing-hint").hidden = !placing;
    document.querySelector(".map-wrap").classList.toggle("placing", placing);
  }

  function addBattery(latlng) {
    if (state.batteries.length >= maxBatteries()) {
      showError("battery: at most " + maxBatteries() + " batteries");
      return;
    }
    state.batteries.push({ lat: latlng.lat, lon: latlng.lng, site: null, system: "thaad" });
    setPlacing(false);
    renderBatteries();
    changed({ coverage: state.batteries.length === 1 });
  }

  function removeBattery(i) {
    state.batteries.splice(i, 1);
    renderBatteries();
    changed({ coverage: i === 0 });
    var btns = document.querySelectorAll("#battery-list button");
    if (btns.length) btns[Math.min(i, btns.length - 1)].focus();
    else $("add-battery").focus();
  }

  function moveBattery(i, lat, lon) {
    var b = state.batteries[i];
    b.lat = lat;
    b.lon = lon;
    b.site = null;
    updateBatteryRow(i);
    changed({ coverage: i === 0 });
  }

  function batteryIcon(i) {
    return L.divIcon({ className: "", html: '<div class="battery-icon">' + (i + 1) + "</div>", iconSize: [28, 28], iconAnchor: [14, 14] });
  }

  function batteryName(i) {
    var b = state.batteries[i];
    if (b.site) {
      var s = siteById(b.site);
      return s ? s.name || s.id : b.site;
    }
    if (lastFootprint) {
      var bs = lastFootprint.features.filter(function (f) { return f.properties.layer === "battery"; });
      var n = bs[i] && bs[i].properties.name;
      if (n && !/^-?[\d.]+,\s*-?[\d.]+$/.test(n)) return siteById(n) ? siteById(n).name || n : n;
    }
    return "";
  }

  function renderBatteries() {
    batteryMarkers.forEach(function (m) { layers.batteries.removeLayer(m); });
    batteryMarkers = [];
    var list = $("battery-list");
    list.innerHTML = "";
    state.batteries.forEach(function (b, i) {
      if (isFinite(b.lat) && isFinite(b.lon)) {
        var m = L.marker([b.lat, b.lon], {
          icon: batteryIcon(i), draggable: true, keyboard: true, autoPan: true,
          title: "Battery " + (i + 1) + " — drag, or arrow keys, to move", alt: "Battery " + (i + 1),
          pane: "batteries",
        });
        m.on("drag", function (e) {
          var ll = e.target.getLatLng();
          setRowInputs(i, ll.lat, ll.lng);
        });
        m.on("dragend", function (e) {
          var ll = e.target.getLatLng();
          moveBattery(i, ll.lat, ll.lng);
        });
        m.on("add", function () {
          var el = m.getElement();
          if (el) {
            el.setAttribute("data-battery", String(i));
            el.setAttribute("aria-label", "Battery " + (i + 1) + ": use the arrow keys to move it");
            el.addEventListener("keydown", function (e) { batteryKey(e, i, m); });
          }
        });
        m.addTo(layers.batteries);
        batteryMarkers[i] = m;
      }
      list.appendChild(batteryRow(b, i));
    });
    if (!state.batteries.length) {
      var li = document.createElement("li");
      li.innerHTML = '<span class="empty">No battery: every threat gets through (“withdrawn”).</span>';
      list.appendChild(li);
    }
    var full = state.batteries.length >= maxBatteries();
    $("add-battery").disabled = full;
    $("add-battery-centre").disabled = full;
    if (full) setPlacing(false);
  }

  function batteryKey(e, i, m) {
    var step = e.shiftKey ? 0.25 : 0.05;
    var d = { ArrowUp: [step, 0], ArrowDown: [-step, 0], ArrowLeft: [0, -step], ArrowRight: [0, step] }[e.key];
    if (!d) return;
    e.preventDefault();
    e.stopPropagation();
    var ll = m.getLatLng();
    var lat = Math.max(-85, Math.min(85, ll.lat + d[0])), lon = ll.lng + d[1];
    m.setLatLng([lat, lon]);
    state.batteries[i].lat = lat;
    state.batteries[i].lon = lon;
    state.batteries[i].site = null;
    updateBatteryRow(i);
    changed({ coverage: i === 0 });
  }

  function batteryRow(b, i) {
    var li = document.createElement("li");
    li.setAttribute("data-index", String(i));
    var badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = String(i + 1);
    badge.setAttribute("aria-hidden", "true");
    li.appendChild(badge);
    ["lat", "lon"].forEach(function (k) {
      var id = "battery-" + i + "-" + k;
      var lab = document.createElement("label");
      lab.className = "sr-only";
      lab.setAttribute("for", id);
      lab.textContent = "Battery " + (i + 1) + (k === "lat" ? " latitude (°N)" : " longitude (°E)");
      var inp = document.createElement("input");
      inp.id = id;
      inp.type = "text";
      inp.inputMode = "decimal";
      inp.title = k === "lat" ? "Latitude (°N)" : "Longitude (°E)";
      inp.value = isFinite(b[k]) ? fmtCoord(b[k]) : (k === "lat" ? b.site : "");
      inp.addEventListener("change", function () {
        var lat = parseFloat($("battery-" + i + "-lat").value);
        var lon = parseFloat($("battery-" + i + "-lon").value);
        if (!isFinite(lat) || !isFinite(lon)) {
          showError("battery: must be LAT,LON in degrees (got " + $("battery-" + i + "-lat").value + "," + $("battery-" + i + "-lon").value + ")");
          return;
        }
        state.batteries[i] = { lat: lat, lon: lon, site: null, system: state.batteries[i].system || "thaad" };
        renderBatteries();
        changed({ coverage: i === 0 });
      });
      li.appendChild(lab);
      li.appendChild(inp);
    });
    var sid = "battery-" + i + "-system";
    var slab = document.createElement("label");
    slab.className = "sr-only";
    slab.setAttribute("for", sid);
    slab.textContent = "Battery " + (i + 1) + " system";
    var sel = document.createElement("select");
    sel.id = sid;
    sel.className = "system";
    ((presets && presets.systems) || [{ id: "thaad", description: "THAAD", tier: "upper" }]).forEach(function (x) {
      var o = document.createElement("option");
      o.value = x.id;
      o.textContent = x.id + (x.tier === "lower" ? " (lower tier)" : "");
      o.title = x.description || "";
      sel.appendChild(o);
    });
    sel.value = b.system || "thaad";
    sel.title = "The defence system of this battery (public estimates; thaadsim systems)";
    sel.addEventListener("change", function () {
      state.batteries[i].system = sel.value;
      changed({ coverage: i === 0 });
    });
    var rm = document.createElement("button");
    rm.type = "button";
    rm.textContent = "Remove";
    rm.setAttribute("aria-label", "Remove battery " + (i + 1));
    rm.addEventListener("click", function () { removeBattery(i); });
    li.appendChild(rm);
    li.appendChild(slab);
    li.appendChild(sel);
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = batteryName(i);
    li.appendChild(name);
    return li;
  }

  function setRowInputs(i, lat, lon) {
    var a = $("battery-" + i + "-lat"), b = $("battery-" + i + "-lon");
    if (a) a.value = fmtCoord(lat);
    if (b) b.value = fmtCoord(lon);
  }
  function updateBatteryRow(i) {
    var b = state.batteries[i];
    setRowInputs(i, b.lat, b.lon);
    var li = document.querySelector('#battery-list li[data-index="' + i + '"] .name');
    if (li) li.textContent = batteryName(i);
  }

  // ------------------------------------------------------------------ footprint
  function footprintParams() {
    var p = { battery: batteryParam(), threat_set: state.ts, grid_km: state.grid, radar: state.radar };
    if (state.rt !== "") p.reaction_time_s = state.rt;
    if (state.q !== "") p.interceptor_max_q_pa = state.q;
    return p;
  }

  function setFootprintState(s) { document.body.setAttribute("data-footprint-state", s); }

  function requestFootprint(now) {
    clearTimeout(footprintTimer);
    footprintTimer = null;
    setFootprintState("pending");
    var q = queryString(footprintParams());
    $("download-kml").href = "api/footprint.kml?" + q;
    $("download-toml").href = "api/scenario.toml?" + q;
    if (now) runFootprint();
    else footprintTimer = setTimeout(function () { footprintTimer = null; runFootprint(); }, DEBOUNCE_MS);
  }

  async function runFootprint() {
    if (footprintCtl) footprintCtl.abort();
    var ctl = new AbortController();
    footprintCtl = ctl;
    var params = footprintParams();
    try {
      var fc = await apiGet("api/footprint", params, ctl.signal);
      if (ctl !== footprintCtl) return; // a newer request took over
      clearError();
      lastFootprint = fc;
      lastFootprintQuery = queryString(params);
      drawFootprint(fc);
      if (!footprintTimer) setFootprintState("idle");
      requestBand(params);
    } catch (e) {
      if (ctl === footprintCtl && !isAbort(e)) {
        reportError(e, "footprint");
        if (!footprintTimer) setFootprintState("error");
      }
    } finally {
      if (ctl === footprintCtl) footprintCtl = null;
    }
  }

  // The band of the defended share over the declared uncertain parameters: asked for after
  // each footprint (about a second), shown under the share; a newer view cancels it.
  var bandCtl = null;
  async function requestBand(params) {
    if (bandCtl) bandCtl.abort();
    var ctl = new AbortController();
    bandCtl = ctl;
    var el = $("fraction-band");
    el.textContent = "band: computing…";
    el.title = "";
    try {
      var b = await apiGet("api/footprint_band", params, ctl.signal);
      if (ctl !== bandCtl) return;
      if (!b.available) { el.textContent = ""; el.title = b.reason || ""; return; }
      var f = b.defended_fraction_of_south_korea;
      el.textContent = "5–95 %: " + fmtPct(f.p05) + "–" + fmtPct(f.p95) + " % (" + b.samples +
        " samples, " + b.grid_km + " km grid)";
      el.title = b.source + "; parameters: " + b.parameters.join(", ");
    } catch (e) {
      if (ctl === bandCtl && !isAbort(e)) { el.textContent = ""; }
    } finally {
      if (ctl === bandCtl) bandCtl = null;
    }
  }

  function drawFootprint(fc) {
    layers.fp.clearLayers();
    layers.sls.clearLayers();
    layers.keyCities.clearLayers();
    cityIndex = {};
    var keyCities = [];
    fc.features.forEach(function (f) {
      var p = f.properties || {};
      if (p.layer === "defended") layers.fp.addData(f);
      else if (p.layer === "defended_sls") layers.sls.addData(f);
      else if (p.layer === "city") {
        cityIndex[p.name] = p;
        keyCities.push(f);
      }
    });
    keyCities.forEach(function (f) {
      var p = f.properties;
      var c = f.geometry.coordinates;
      var color = p.defended_sls ? "#0f5a2a" : (p.defended ? "#2e9d4f" : "#b42318");
      var m = L.circleMarker([c[1], c[0]], {
        pane: "keycities", radius: 6, color: color, weight: 2.5,
        fillColor: p.defended ? color : "#ffffff", fillOpacity: p.defended ? 0.85 : 0.9,
      });
      m.bindPopup(function () { return cityPopup(p.name, p.population, null); });
      m.bindTooltip(p.name + (p.defended ? " — defended" : " — not defended"), { direction: "top", offset: [0, -6] });
      m.on("click", function () { cityClicked(p.name, c[1], c[0]); });
      m.feature = f;
      layers.keyCities.addLayer(m);
    });
    renderKeyCities(keyCities);
    renderSummary(fc.summary || {}, fc.baseline || {});
    renderCityDiff(fc.baseline || {});
    state.batteries.forEach(function (b, i) { updateBatteryRow(i); });
    // GeoJSON download of exactly what the server answered
    if (geojsonUrl) URL.revokeObjectURL(geojsonUrl);
    geojsonUrl = URL.createObjectURL(new Blob([JSON.stringify(fc)], { type: "application/geo+json" }));
    var a = $("download-geojson");
    a.href = geojsonUrl;
    a.removeAttribute("aria-disabled");
    revision += 1;
    document.body.setAttribute("data-footprint-revision", String(revision));
  }

  function statusHtml(ok) { return ok ? '<span class="yes">Defended</span>' : '<span class="no">Not defended</span>'; }

  function cityPopup(name, population, country) {
    var p = cityIndex[name];
    var html = "<strong>" + escapeHtml(name) + "</strong>";
    if (population) html += "<br>Population " + FMT_INT.format(population);
    if (p) {
      html += "<br>One shot: " + statusHtml(p.defended);
      html += "<br>Shoot-look-shoot: " + statusHtml(p.defended_sls);
      var lim = p.limiting_threats || [];
      html += "<br>Limiting threats: " + (lim.length ? '<ul class="limiting">' + lim.map(function (t) {
        return "<li>" + escapeHtml(t) + "</li>";
      }).join("") + "</ul>" : "none");
    } else if (country) {
      html += "<br>" + (country === "KR" ? "Not a key city: no status computed" : "Country " + escapeHtml(country));
    }
    return html;
  }

  function renderKeyCities(list) {
    var ul = $("key-cities");
    ul.innerHTML = "";
    list.slice().sort(function (a, b) { return (b.properties.population || 0) - (a.properties.population || 0); })
      .forEach(function (f) {
        var p = f.properties;
        var li = document.createElement("li");
        var btn = document.createElement("button");
        btn.type = "button";
        btn.innerHTML = "<span>" + escapeHtml(p.name) + "</span><span class=\"" + (p.defended ? "status-yes" : "status-no") + "\">" +
          (p.defended ? (p.defended_sls ? "defended (SLS)" : "defended") : "not defended") + "</span>";
        btn.addEventListener("click", function () {
          var c = f.geometry.coordinates;
          layers.keyCities.eachLayer(function (m) { if (m.feature === f) m.openPopup(); });
          if (!map.getBounds().contains([c[1], c[0]])) map.panTo([c[1], c[0]]);
          cityClicked(p.name, c[1], c[0]);
        });
        li.appendChild(btn);
        ul.appendChild(li);
      });
  }

  function setStat(id, html, source) {
    var el = $(id);
    el.innerHTML = html;
    if (source) el.title = "Source: " + source;
    else el.removeAttribute("title");
  }

  function renderSummary(s, base) {
    var units = s.units || {}, sources = s.sources || {};
    function num(key, v) {
      if (v === undefined || v === null) return "–";
      var u = units[key];
      if (isFractionUnit(u) && v <= 1.0000001) return fmtPct(v) + ' <span class="unit">%</span>';
      if (/^(%|percent)$/i.test(String(u))) return Number(v).toFixed(1) + ' <span class="unit">%</span>';
      return FMT_INT.format(v) + (u ? ' <span class="unit">' + escapeHtml(unitText(u)) + "</span>" : "");
    }
    setStat("fraction", num("defended_fraction_of_south_korea", s.defended_fraction_of_south_korea),
      sourceText(sources.defended_fraction_of_south_korea));
    setStat("fraction-sls", num("defended_fraction_sls", s.defended_fraction_sls),
      sourceText(sources.defended_fraction_sls || sources.defended_fraction_of_south_korea));
    setStat("area", num("defended_area_km2", s.defended_area_km2), sourceText(sources.defended_area_km2));
    var pop = num("defended_population", s.defended_population);
    if (s.population_in_cities) {
      pop += '<span class="of">of ' + FMT_INT.format(s.population_in_cities) + " in cities of 100,000+ (" +
        fmtPct(s.defended_population / s.population_in_cities) + " %)</span>";
    }
    setStat("population", pop, sourceText(sources.defended_population));
    if (s.defended_area_sls_km2 !== undefined || s.defended_population_sls !== undefined) {
      var extra = [];
      if (s.defended_area_sls_km2 !== undefined) extra.push(FMT_INT.format(s.defended_area_sls_km2) + " km²");
      if (s.defended_population_sls !== undefined) extra.push(FMT_INT.format(s.defended_population_sls) + " people");
      $("fraction-sls").insertAdjacentHTML("beforeend", '<span class="of">' + escapeHtml(extra.join(", ")) + "</span>");
    }
    renderLimiting(s.limiting_threats);
    var b = base.defended_fraction_of_south_korea;
    if (b !== undefined && b !== null && s.defended_fraction_of_south_korea !== undefined) {
      var delta = 100 * (s.defended_fraction_of_south_korea - b);
      $("baseline").textContent = "Seongju baseline: " + fmtPct(b) + " % one shot" +
        (base.defended_population !== undefined ? ", " + FMT_INT.format(base.defended_population) + " people" : "") +
        " (" + (delta >= 0 ? "+" : "−") + Math.abs(delta).toFixed(1) + " points)";
    } else {
      $("baseline").textContent = "";
    }
    var bits = [];
    if (s.threat_set) bits.push("threat set " + s.threat_set);
    if (s.grid_km) bits.push(s.grid_km + " km grid");
    if (s.elapsed_s !== undefined) bits.push("computed in " + Number(s.elapsed_s).toFixed(1) + " s");
    $("elapsed").textContent = bits.join(" · ");
  }

  function renderLimiting(lim) {
    var ul = $("limiting-threats");
    ul.innerHTML = "";
    var keys = lim && typeof lim === "object" && !Array.isArray(lim) ? Object.keys(lim) : [];
    $("limiting-card").hidden = keys.length === 0;
    keys.sort(function (a, b) { return lim[b] - lim[a]; }).forEach(function (k) {
      var li = document.createElement("li");
      li.innerHTML = "<span>" + escapeHtml(k) + "</span><span>" + FMT_INT.format(lim[k]) + "</span>";
      ul.appendChild(li);
    });
  }

  function renderCityDiff(base) {
    [["cities-gained", base.cities_gained], ["cities-lost", base.cities_lost]].forEach(function (pair) {
      var ul = $(pair[0]);
      ul.innerHTML = "";
      var names = pair[1] || [];
      if (!names.length) {
        var li = document.createElement("li");
        li.className = "none";
        li.textContent = "none";
        ul.appendChild(li);
      }
      names.forEach(function (n) {
        var li = document.createElement("li");
        li.textContent = n;
        ul.appendChild(li);
      });
    });
  }

  // ------------------------------------------------------------------ coverage
  /* A battery's site for the API: its preset name while it stands there (the preset's facing,
     height and beam floor), else LAT,LON. */
  function siteParam(b) {
    if (b.site) return b.site;
    return fmtCoord(b.lat) + "," + fmtCoord(b.lon);
  }

  function requestCoverage() {
    clearTimeout(coverageTimer);
    coverageTimer = setTimeout(runCoverage, DEBOUNCE_MS);
  }

  async function runCoverage() {
    if (coverageCtl) coverageCtl.abort();
    coverageCtl = null;
    var b = state.batteries[0];
    if (!state.layers.cov || !b) {
      layers.cov.clearLayers();
      $("coverage-card").hidden = true;
      return;
    }
    var ctl = new AbortController();
    coverageCtl = ctl;
    var site = siteParam(b);
    try {
      var fc = await apiGet("api/coverage", { site: site, radar: state.radar, altitude_km: state.alt }, ctl.signal);
      if (ctl !== coverageCtl) return;
      layers.cov.clearLayers();
      layers.cov.addData(fc);
      renderCoverage(fc.summary || {}, fc.features && fc.features[0] ? fc.features[0].properties : null);
    } catch (e) {
      if (ctl === coverageCtl) reportError(e, "coverage");
    }
  }

  function renderCoverage(s, props) {
    var body = $("coverage-body");
    body.innerHTML = "";
    var countries = s.countries || {};
    Object.keys(countries).filter(function (iso) { return (countries[iso].area_km2 || 0) > 0; }).sort(function (a, b) { return (countries[b].area_km2 || 0) - (countries[a].area_km2 || 0); })
      .forEach(function (iso) {
        var c = countries[iso];
        var tr = document.createElement("tr");
        tr.innerHTML = "<td>" + escapeHtml(c.name || iso) + "</td><td>" + FMT_INT.format(c.area_km2 || 0) +
          "</td><td>" + FMT_INT.format(c.max_depth_km || 0) + "</td>";
        body.appendChild(tr);
      });
    var cap = "Targets at " + state.alt + " km seen by battery 1 (" + (s.radar || state.radar) + ")";
    if (props && props.max_ground_range_km !== undefined) {
      cap += ": out to " + FMT_INT.format(props.max_ground_range_km) + " km ground range" +
        (props.limited_by ? ", limited by " + props.limited_by : "");
    }
    $("coverage-caption").textContent = cap + ".";
    $("coverage-card").hidden = false;
  }

  // ------------------------------------------------------------------ watch (China's ICBM flights)
  function requestWatch() {
    clearTimeout(watchTimer);
    watchTimer = setTimeout(runWatch, DEBOUNCE_MS);
  }

  async function runWatch() {
    if (watchCtl) watchCtl.abort();
    watchCtl = null;
    var b = state.batteries[0];
    $("watch-mode").disabled = !state.layers.watch;
    if (!state.layers.watch || !b) {
      layers.watch.clearLayers();
      $("watch-card").hidden = true;
      return;
    }
    var ctl = new AbortController();
    watchCtl = ctl;
    var site = siteParam(b);
    try {
      var fc = await apiGet("api/watch", { site: site, radar: state.wm }, ctl.signal);
      if (ctl !== watchCtl) return;
      drawWatch(fc);
    } catch (e) {
      if (ctl === watchCtl) reportError(e, "watch");
    }
  }

  function drawWatch(fc) {
    layers.watch.clearLayers();
    var colors = {}, n = 0;
    (fc.features || []).forEach(function (f) {
      var p = f.properties || {};
      if (p.kind === "radar" && !(p.label in colors)) colors[p.label] = WATCH_COLORS[n++ % WATCH_COLORS.length];
    });
    (fc.features || []).forEach(function (f) {
      var p = f.properties || {};
      if (p.kind === "flight") {
        layers.watch.addLayer(L.geoJSON(f, { pane: "watch", interactive: false, style: { color: "#777", weight: 1, opacity: 0.5 } }));
      }
    });
    var mine = Object.keys(colors)[0];  // the first battery's radar: drawn last, on top
    [false, true].forEach(function (own) {
      (fc.features || []).forEach(function (f) {
        var p = f.properties || {};
        if (p.kind !== "observed" || (p.radar === mine) !== own) return;
        layers.watch.addLayer(L.geoJSON(f, { pane: "watch", interactive: false, style: { color: colors[p.radar] || "#d62728", weight: own ? 3.5 : 2, opacity: 0.85 } }));
      });
    });
    (fc.features || []).forEach(function (f) {
      var p = f.properties || {};
      if (p.kind === "radar") {
        layers.watch.addLayer(L.circleMarker([p.lat_deg, p.lon_deg], { pane: "watch", radius: 6, color: "#000", weight: 1, fillColor: colors[p.label], fillOpacity: 1 })
          .bindTooltip(escapeHtml(p.label)));
      }
    });
    var s = fc.summary || {};
    $("watch-seen").textContent = FMT_INT.format(s.flights_seen || 0) + " of " + FMT_INT.format(s.flights_in_reach || 0);
    $("watch-track").textContent = FMT_INT.format(s.track_s || 0) + " s";
    $("watch-marginal").textContent = FMT_INT.format(s.marginal_track_s || 0) + " s";
    $("watch-only").textContent = FMT_INT.format(s.flights_seen_only_from_site || 0) + " flights";
    $("watch-caption").textContent = "Flights of " + (s.threat_set || "cn-icbm") + " (grey), the segments each radar holds in firm track (colour): " +
      Object.keys(colors).join(", ") + ". Reentry vehicle of " + (s.rcs_m2 || 0.01) + " m²; the Japan radars' facing is an estimate. Public estimates.";
    $("watch-card").hidden = false;
  }

  // ------------------------------------------------------------------ trajectories
  function cityClicked(name, lat, lon) {
    if (!state.layers.traj) return;
    var ts = threatSet(state.ts);
    var areas = launchAreas(ts);
    if (!areas.length) return;
    var best = null, bestD = Infinity;
    areas.forEach(function (a) {
      var d = map.distance([a.lat, a.lon], [lat, lon]) / 1000;
      if (d < bestD) { bestD = d; best = a; }
    });
    var ranges = {};
    ((presets && presets.missiles) || []).forEach(function (m) { ranges[m.id] = m.range_km; });
    var missiles = (ts.missiles || []).slice().sort(function (a, b) { return (ranges[a] || 0) - (ranges[b] || 0); });
    var missile = null;
    for (var i = 0; i < missiles.length; i++) if ((ranges[missiles[i]] || 0) >= bestD) { missile = missiles[i]; break; }
    if (!missile) missile = missiles[missiles.length - 1];
    if (!missile) return;
    drawTrajectory(missile, best, { lat: lat, lon: lon, name: name });
  }

  async function drawTrajectory(missile, from, to) {
    try {
      var f = await apiGet("api/trajectory", {
        missile: missile, from: fmtCoord(from.lat) + "," + fmtCoord(from.lon), to: fmtCoord(to.lat) + "," + fmtCoord(to.lon),
      });
      var coords = (f.geometry && f.geometry.coordinates) || [];
      var line = L.polyline(coords.map(function (c) { return [c[1], c[0]]; }), { pane: "trajectories", color: "#c2410c", weight: 2.5, dashArray: "6 4" });
      var p = f.properties || {};
      line.bindPopup("<strong>" + escapeHtml(p.missile || missile) + "</strong> from " + escapeHtml(from.name) + " to " + escapeHtml(to.name) +
        "<br>Range " + FMT_INT.format(p.range_km || 0) + " km, apogee " + FMT_INT.format(p.apogee_km || 0) +
        " km, flight time " + FMT_INT.format(p.flight_time_s || 0) + " s");
      layers.traj.addLayer(line);
      var n = layers.traj.getLayers();
      if (n.length > 6) layers.traj.removeLayer(n[0]);
    } catch (e) {
      reportError(e, "trajectory");
    }
  }

  // ------------------------------------------------------------------ basemap and cities
  function loadBasemap() {
    apiGet("api/basemap").then(function (fc) {
      L.geoJSON(fc, {
        pane: "basemap", interactive: false,
        style: function (f) {
          if (f.properties && f.properties.kind === "dmz") {
            return { color: "#7a1f1f", weight: 2.2, dashArray: "6 4", fill: false };
          }
          if (f.properties && f.properties.coarse) {  // the world beyond the detailed window
            return { stroke: false, fillColor: "#eceae4", fillOpacity: 1 };
          }
          var kor = f.properties && f.properties.iso_a3 === "KOR";
          return kor
            ? { color: "#384152", weight: 1.6, fillColor: "#fffbea", fillOpacity: 1 }
            : { color: "#8c95a3", weight: 0.8, fillColor: "#eceae4", fillOpacity: 1 };
        },
      }).addTo(map);
    }).catch(function (e) { reportError(e, "basemap"); });
  }

  function loadCities() {
    apiGet("api/cities").then(function (fc) {
      allCities = fc.features.map(function (f) {
        var p = f.properties || {};
        return { name: p.name, country: p.country, population: p.population || 0, lat: f.geometry.coordinates[1], lon: f.geometry.coordinates[0] };
      });
      // label priority: population, with Korean cities weighted up (the map is about Korea)
      allCities.forEach(function (c) { c.rank = c.population * (c.country === "KR" || c.country === "KP" ? 3 : 1); });
      allCities.sort(function (a, b) { return b.rank - a.rank; });
      var renderer = L.canvas({ pane: "cities", padding: 0.2 });
      allCities.forEach(function (c) {
        var r = c.population > 5e6 ? 3.5 : c.population > 1e6 ? 2.8 : c.population > 3e5 ? 2.2 : 1.6;
        var m = L.circleMarker([c.lat, c.lon], {
          renderer: renderer, radius: r, weight: 0.6, color: "#ffffff", fillColor: "#3b4452", fillOpacity: 0.9,
        });
        m.bindPopup(function () { return cityPopup(c.name, c.population, c.country); });
        m.on("click", function () { cityClicked(c.name, c.lat, c.lon); });
        layers.cities.addLayer(m);
      });
      labelCities();
    }).catch(function (e) { reportError(e, "cities"); });
  }

  /* Labels for the larger cities only, thinned by population so that none overlap. */
  function labelCities() {
    layers.labels.clearLayers();
    if (!allCities.length) return;
    var z = map.getZoom();
    var minPop = z <= 5 ? 3e6 : z === 6 ? 1e6 : z === 7 ? 4e5 : z === 8 ? 1.5e5 : 0;
    var size = map.getSize();
    var placed = [];
    var maxLabels = z <= 6 ? 25 : 60;
    for (var i = 0; i < allCities.length && placed.length < maxLabels; i++) {
      var c = allCities[i];
      if (c.rank < minPop) break;
      var pt = map.latLngToContainerPoint([c.lat, c.lon]);
      var w = 6.2 * c.name.length + 6, h = 13;
      var box = { x0: pt.x + 4, y0: pt.y - h / 2, x1: pt.x + 4 + w, y1: pt.y + h / 2 };
      if (box.x1 < 0 || box.x0 > size.x || box.y1 < 0 || box.y0 > size.y) continue;
      var hit = false;
      for (var j = 0; j < placed.length; j++) {
        var o = placed[j];
        if (box.x0 < o.x1 + 4 && box.x1 + 4 > o.x0 && box.y0 < o.y1 + 2 && box.y1 + 2 > o.y0) { hit = true; break; }
      }
      if (hit) continue;
      placed.push(box);
      L.marker([c.lat, c.lon], {
        pane: "labels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "city-label" + (c.country === "KR" ? " kr" : ""), html: escapeHtml(c.name), iconSize: null, iconAnchor: [-5, 6] }),
      }).addTo(layers.labels);
    }
  }

  // ------------------------------------------------------------------ map
  function makePane(name, z, noPointer) {
    var p = map.createPane(name);
    p.style.zIndex = String(z);
    if (noPointer) p.style.pointerEvents = "none";
  }

  function initMap(view) {
    map = L.map("map", {
      zoomControl: true, attributionControl: false, minZoom: 3, maxZoom: 11,
      worldCopyJump: false, preferCanvas: false, keyboardPanDelta: 120,
    });
    makePane("basemap", 200, true);
    makePane("coverage", 380, true);
    makePane("footprint", 400, true);
    makePane("trajectories", 450);
    makePane("watch", 440);
    makePane("cities", 460);
    makePane("keycities", 470);
    makePane("labels", 480, true);
    makePane("batteries", 620);
    var svgFoot = L.svg({ pane: "footprint" });
    layers.fp = L.geoJSON(null, { pane: "footprint", renderer: svgFoot, interactive: false, style: { stroke: false, fillColor: "#2e9d4f", fillOpacity: 0.38 } });
    layers.sls = L.geoJSON(null, { pane: "footprint", renderer: svgFoot, interactive: false, style: { stroke: false, fillColor: "#0f5a2a", fillOpacity: 0.35 } });
    layers.cov = L.geoJSON(null, { pane: "coverage", interactive: false, style: { color: "#7a4fc9", weight: 2, dashArray: "6 5", fillColor: "#7a4fc9", fillOpacity: 0.06 } });
    layers.traj = L.layerGroup();
    layers.watch = L.layerGroup();
    layers.cities = L.layerGroup().addTo(map);
    layers.labels = L.layerGroup().addTo(map);
    layers.keyCities = L.layerGroup().addTo(map);
    layers.batteries = L.layerGroup().addTo(map);
    var v = view || { lat: DEFAULT_VIEW.lat, lon: DEFAULT_VIEW.lon,
      zoom: map.getSize().x < 600 ? DEFAULT_VIEW.zoom - 1 : DEFAULT_VIEW.zoom };
    map.setView([v.lat, v.lon], v.zoom);
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    map.on("zoomend moveend", function () { labelCities(); writeHashSoon(); });
    map.on("click", function (e) { if (placing) addBattery(e.latlng); });
  }

  function applyLayerVisibility() {
    [["fp", layers.fp], ["sls", layers.sls], ["cov", layers.cov], ["traj", layers.traj], ["watch", layers.watch]].forEach(function (pair) {
      var on = !!state.layers[pair[0]];
      if (on && !map.hasLayer(pair[1])) map.addLayer(pair[1]);
      if (!on && map.hasLayer(pair[1])) map.removeLayer(pair[1]);
    });
    if (!state.layers.cov) $("coverage-card").hidden = true;
    if (!state.layers.watch) $("watch-card").hidden = true;
  }

  function fillPresets() {
    var sel = $("threat-set");
    sel.innerHTML = "";
    (presets.threat_sets || []).forEach(function (ts) {
      var o = document.createElement("option");
      o.value = ts.id;
      o.textContent = ts.id;
      if (ts.description) o.title = ts.description;
      sel.appendChild(o);
    });
    var allowed = presets.limits && presets.limits.radars_for_batteries;
    var radars = (presets.radars || []).filter(function (rd) { return !allowed || allowed.indexOf(rd.id) >= 0; });
    if (radars.length) {
      var r = $("radar");
      r.innerHTML = "";
      radars.forEach(function (rd) {
        var o = document.createElement("option");
        o.value = rd.id;
        o.textContent = rd.id;
        o.title = rd.description || "";
        r.appendChild(o);
      });
    }
    $("version").textContent = presets.version ? "v" + String(presets.version).replace(/^v/, "") : "";
  }

  async function start() {
    try {
      presets = await apiGet("api/presets");
    } catch (e) {
      reportError(e, "presets");
      presets = { sites: [], threat_sets: [], defaults: {}, limits: {} };
    }
    fillPresets();
    var view = stateFromHash();
    initMap(view);
    bindControls();
    stateToControls();
    renderBatteries();
    applyLayerVisibility();
    loadBasemap();
    loadCities();
    requestFootprint(true);
    requestCoverage();
    requestWatch();
    writeHash();
    document.body.setAttribute("data-ready", "1");
  }

  // Exposed for debugging from the console only.
  window.thaadsim = { state: state, get map() { return map; }, get lastFootprint() { return lastFootprint; }, get lastFootprintQuery() { return lastFootprintQuery; } };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
