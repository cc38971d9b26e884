// insulinsim explorer: the page calls the JSON API of the same server and draws with the
// plotly.js served from the installed plotly package (offline). Colours: Okabe & Ito (2008).
"use strict";

const OKABE_ITO = ["#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];
// stage 0..4: none, then light to dark (sequential, readable in grey scale)
const STAGE_COLOURS = ["rgba(0,0,0,0)", "#fff2cc", "#fcd5b4", "#f4a582", "#d6604d"];
const STAGE_NAMES = ["normal", "1 compensatory hyperinsulinemia", "2 impaired glucose tolerance",
  "3 type 2 diabetes", "4 complications"];
// a risk slider per factor: [label, step]
const RISK_LABELS = {
  energy_intake_excess: ["Extra food energy (weight and visceral fat gain)", 10],
  daily_steps: ["Activity: steps per day", 500],
  exercise_sessions: ["Exercise sessions per week", 1],
  refined_carbohydrate_share: ["Diet: refined carbohydrate share of energy", 1],
  sugar_share: ["Diet: added sugar share of energy", 1],
  saturated_fat_share: ["Diet: saturated fat share of energy", 1],
  sleep_duration: ["Sleep per night", 0.5],
  family_history: ["Family history: parents/siblings with type 2 diabetes", 1],
  tcf7l2_risk_alleles: ["TCF7L2 risk alleles", 1],
};
const PLOT_CONFIG = {
  responsive: true, displaylogo: false,
  toImageButtonOptions: { format: "png", scale: 2 },
  modeBarButtonsToRemove: ["lasso2d", "select2d"],
};

const state = { meta: null, day: null, organs: null, years: null, hyper: null, runs: { day: 0, years: 0, assess: 0, hyper: 0 } };
const $ = (id) => document.getElementById(id);

function setStatus(text) { $("status").textContent = text; }
function mark(kind) {
  state.runs[kind] += 1;
  document.body.dataset[kind + "Runs"] = String(state.runs[kind]);
}

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const r = await fetch("/api/" + path, opts);
  const data = await r.json().catch(() => ({}));
  if (!r.ok) {
    const d = data.detail;
    const msg = typeof d === "string" ? d : (d && d.message) || r.statusText;
    throw new Error(msg);
  }
  return data;
}

function csvLink(id, header, rows, name) {
  const esc = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const text = [header, ...rows].map((r) => r.map(esc).join(",")).join("\n") + "\n";
  const a = $(id);
  if (a.dataset.url) URL.revokeObjectURL(a.dataset.url);
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  a.href = url; a.dataset.url = url;
  if (name) a.download = name;
}

function layout(title, xtitle, ytitle, extra) {
  return Object.assign({
    title: { text: title, font: { size: 14 } },
    margin: { l: 60, r: 10, t: 40, b: 45 },
    xaxis: { title: { text: xtitle } }, yaxis: { title: { text: ytitle } },
    legend: { orientation: "h", y: -0.25 }, colorway: OKABE_ITO,
    font: { family: "system-ui, sans-serif" },
  }, extra || {});
}

function person() {
  return { preset: $("preset").value, sex: $("sex").value };
}

// ------------------------------------------------------------------ (a) a test or a day
function scenarioBody() {
  const p = person();
  return { preset: p.preset, sex: p.sex, age: Number($("age").value), step_days: Number($("step-days").value), risks: riskLevels() };
}

function syncAtAge() {
  const age = Number($("age").value), years = Number($("years").value), el = $("at-age");
  const wasEnd = Number(el.value) >= Number(el.max);
  el.min = age; el.max = age + years;
  if (wasEnd || Number(el.value) < age || Number(el.value) > age + years) el.value = age + years;
  $("at-age-out").value = el.value;
}

let dayTimer = null;
let daySeq = 0;
function scheduleDay() {
  clearTimeout(dayTimer);
  dayTimer = setTimeout(updateDay, 350);
}

async function updateDay() {
  syncAtAge();
  const body = Object.assign(scenarioBody(), { at_age: Number($("at-age").value) });
  const protocol = $("protocol").value;
  const seq = ++daySeq;
  setStatus("Simulating the " + (protocol === "ogtt" ? "OGTT" : "day") + " at age " + body.at_age + "…");
  try {
    const [day, organs] = await Promise.all([
      api("person", Object.assign({}, body, { protocol })),
      protocol === "day" ? null : api("person", Object.assign({}, body, { protocol: "day" })),
    ]);
    if (seq !== daySeq) return;  // a newer request is on its way
    state.day = day; state.organs = organs || day;
    drawDay(); drawOrgans(); drawDose();
    setStatus(day.note ? "Ready: " + day.note + "." : "Ready.");
    mark("day");
  } catch (e) { if (seq === daySeq) setStatus("Error: " + e.message); }
}

function drawDay() {
  const d = state.day;
  const hours = d.protocol === "day";
  const t = d.time_min.map((x) => (hours ? x / 60 : x));
  const xt = hours ? "time (h)" : "time (min)";
  const curves = (key, unit, title) => {
    const traces = d.people.map((p, k) => ({ x: t, y: p[key], name: p.name, mode: "lines", line: { color: OKABE_ITO[k], width: 2, dash: k ? "solid" : "dot" } }));
    Plotly.react("fig-" + key, traces, layout(title, xt, unit), PLOT_CONFIG);
  };
  curves("glucose", d.units.glucose, "Plasma glucose");
  curves("insulin", d.units.insulin, "Plasma insulin");
  curves("glucagon", d.units.glucagon, "Plasma glucagon");
  curves("ffa", d.units.ffa, "Plasma free fatty acids");
  const last = d.people[d.people.length - 1];
  const organs = Object.keys(last.uptake);
  const traces = organs.map((o, k) => ({ x: t, y: last.uptake[o], name: o, mode: "lines", line: { color: OKABE_ITO[k], width: 2, dash: o.startsWith("liver") ? "dash" : "solid" } }));
  Plotly.react("fig-organs", traces, layout("Glucose disposal by organ (liver: production) — " + last.name, xt, d.units.uptake), PLOT_CONFIG);
  const keys = ["glucose", "insulin", "glucagon", "ffa"];
  const header = [xt];
  d.people.forEach((p) => {
    keys.forEach((k) => header.push(p.name + " " + k + " (" + d.units[k] + ")"));
    organs.forEach((o) => header.push(p.name + " " + o + " (" + d.units.uptake + ")"));
  });
  const rows = t.map((x, j) => {
    const r = [x];
    d.people.forEach((p) => {
      keys.forEach((k) => r.push(p[k][j]));
      organs.forEach((o) => r.push(p.uptake[o][j]));
    });
    return r;
  });
  csvLink("csv-day", header, rows, "insulinsim_" + d.protocol + ".csv");
}

// ------------------------------------------------------------------ (b) receptors at the age shown
function drawDose() {
  const d = state.day, r = d.dose_response, at = d.at_age.values;
  const name = d.people[d.people.length - 1].name;
  const traces = [
    { x: r.insulin_pmol_l, y: r.glut4_healthy, name: "healthy reference", line: { color: OKABE_ITO[0], width: 2, dash: "dot" } },
    { x: r.insulin_pmol_l, y: r.glut4_person, name: name, line: { color: OKABE_ITO[1], width: 2 } },
    { x: r.insulin_pmol_l, y: r.insulin_needed_pmol_l, name: "insulin " + name + " needs for the healthy response", yaxis: "y2", line: { color: OKABE_ITO[2], width: 2, dash: "dash" } },
  ];
  const title = "Muscle GLUT4 vs insulin: surface receptors " + at.surface_receptors_muscle.value.toFixed(0) + " % of healthy";
  Plotly.react("fig-dose", traces, layout(title, "insulin (pmol/L)", "surface GLUT4 (% of basal total)",
    { legend: { orientation: "h", y: -0.3 },
      xaxis: { type: "log", title: { text: "insulin (pmol/L)" } },
      yaxis: { title: { text: "surface GLUT4 (%)" }, automargin: true },
      yaxis2: { type: "log", title: { text: "insulin needed (pmol/L)" }, overlaying: "y", side: "right", showgrid: false, automargin: true } }), PLOT_CONFIG);
  csvLink("csv-dose", ["insulin (pmol/L)", "healthy surface GLUT4 (%)", name + " surface GLUT4 (%)", "insulin needed (pmol/L)"],
    r.insulin_pmol_l.map((x, j) => [x, r.glut4_healthy[j], r.glut4_person[j], r.insulin_needed_pmol_l[j]]));
  const v = d.at_age.values;
  const f = (k, n) => (v[k].value === null ? "–" : Number(v[k].value).toFixed(n)) + " " + v[k].units;
  $("at-age-summary").textContent = "At " + d.at_age.shown.toFixed(1) + " years: weight " + f("weight", 1) + ", BMI " + f("bmi", 1) +
    ", fasting glucose " + f("fasting_glucose", 0) + ", 2-h glucose " + f("glucose_2h", 0) + ", HbA1c " + f("hba1c", 1) +
    ", muscle insulin sensitivity " + f("sensitivity_muscle", 2) + ", beta-cell mass " + f("beta_mass", 0) + ".";
}

// ------------------------------------------------------------------ (b) receptor experiment
async function runHyper() {
  const p = person();
  setStatus("Simulating 3 days of hyperinsulinemia and 2 of recovery…");
  try {
    const h = await api("receptors", { preset: p.preset, sex: p.sex, insulin_mu_m2_min: Number($("hyper-insulin").value) });
    state.hyper = h;
    const traces = [
      { x: h.time_h, y: h.surface_receptors_percent, name: "surface receptors (% of start)", line: { color: OKABE_ITO[0] } },
      { x: h.time_h, y: h.glut4_response_percent, name: "GLUT4 response (% of start)", line: { color: OKABE_ITO[1], dash: "dash" } },
      { x: h.time_h, y: h.insulin_needed_pmol_l, name: "insulin needed (pmol/L)", yaxis: "y2", line: { color: OKABE_ITO[2], dash: "dot" } },
    ];
    Plotly.react("fig-rec-hyper", traces, layout("Hyperinsulinemia, then recovery (" + h.infusion_days + " + " + h.recovery_days + " days)", "time (h)", "% of start",
      { yaxis2: { title: { text: "pmol/L" }, overlaying: "y", side: "right", automargin: true } }), PLOT_CONFIG);
    csvLink("csv-rec-hyper", ["time (h)", "insulin (pmol/L)", "surface receptors (%)", "GLUT4 response (%)", "insulin needed (pmol/L)"],
      h.time_h.map((x, j) => [x, h.insulin_pmol_l[j], h.surface_receptors_percent[j], h.glut4_response_percent[j], h.insulin_needed_pmol_l[j]]));
    setStatus("Ready.");
    mark("hyper");
  } catch (e) { setStatus("Error: " + e.message); }
}

// ------------------------------------------------------------------ (c) organ table
function drawOrgans() {
  const d = state.organs;
  const names = d.people.map((p) => p.name);
  const fmt = (v) => (v === null ? "–" : Number(v).toPrecision(3));
  let h = "<table><caption>Daily means of a standard day</caption><thead><tr><th scope='col'>organ</th><th scope='col'>unit</th>";
  names.forEach((n) => { h += "<th scope='col'>" + escapeHtml(n) + "</th>"; });
  if (names.length > 1) h += "<th scope='col'>ratio</th>";
  h += "</tr></thead><tbody>";
  const rows = [];
  d.organ_table.forEach((r) => {
    h += "<tr><th scope='row'>" + escapeHtml(r.organ) + "</th><td>" + escapeHtml(r.unit) + "</td>";
    r.values.forEach((v) => { h += "<td>" + fmt(v) + "</td>"; });
    let ratio = null;
    if (names.length > 1 && r.values[0]) ratio = r.values[r.values.length - 1] / r.values[0];
    if (names.length > 1) h += "<td>" + (ratio === null ? "–" : ratio.toFixed(2)) + "</td>";
    h += "</tr>";
    rows.push([r.organ, r.unit, ...r.values, ratio]);
  });
  $("organ-table").innerHTML = h + "</tbody></table>";
  csvLink("csv-organs", ["organ", "unit", ...names, "ratio"], rows);
}

// ------------------------------------------------------------------ (d, e) the years
function riskLevels() {
  const out = {};
  state.meta.risks.forEach((r) => {
    const el = $("risk-" + r.name);
    if (el) out[r.name] = Number(el.type === "checkbox" ? (el.checked ? 1 : 0) : el.value);
  });
  return out;
}

function interventions() {
  const out = [];
  document.querySelectorAll("#iv-list input[type=checkbox]").forEach((el) => {
    if (!el.checked) return;
    const lvl = $("iv-level-" + el.value);
    out.push({ name: el.value, start_age: Number($("iv-age").value), adherence: Number($("iv-adherence").value), level: Number(lvl ? lvl.value : 1) });
  });
  return out;
}

function scheduleBoth() { scheduleYears(); scheduleDay(); }

let yearsTimer = null;
let yearsSeq = 0;
function scheduleYears() {
  clearTimeout(yearsTimer);
  yearsTimer = setTimeout(updateYears, 350);
}

async function updateYears() {
  const age = Number($("age").value), years = Number($("years").value);
  const ivAge = $("iv-age");
  ivAge.min = age; ivAge.max = age + years;
  if (Number(ivAge.value) < age || Number(ivAge.value) > age + years) ivAge.value = Math.round(age + years / 3);
  $("iv-age-out").value = ivAge.value;
  const body = Object.assign(scenarioBody(), { years, interventions: interventions() });
  const seq = ++yearsSeq;
  $("years-status").textContent = "Simulating " + years + " years…";
  try {
    const y = await api("years", body);
    if (seq !== yearsSeq) return;  // a newer request is on its way
    state.years = y;
    drawYears();
    $("years-status").textContent = "Status: " + y.baseline.status + (y.baseline.stopped_at_years !== null ? " (the run left the model's range at " + y.baseline.stopped_at_years.toFixed(1) + " years)" : "");
    mark("years");
  } catch (e) { if (seq === yearsSeq) $("years-status").textContent = "Error: " + e.message; }
}

function stageShapes(tr) {
  const age = tr.series.age.values, st = tr.series.stage.values, shapes = [];
  let start = 0;
  for (let j = 1; j <= st.length; j++) {
    if (j === st.length || st[j] !== st[start]) {
      const s = st[start];
      if (s > 0) shapes.push({ type: "rect", xref: "x", yref: "paper", x0: age[start], x1: age[Math.min(j, st.length - 1)], y0: 0, y1: 1, fillcolor: STAGE_COLOURS[s], opacity: 0.6, line: { width: 0 }, layer: "below" });
      start = j;
    }
  }
  return shapes;
}

function yearsFigure(id, title, unit, vars) {
  const y = state.years, base = y.baseline, iv = y.with_interventions;
  const traces = [];
  vars.forEach(([key, label], k) => {
    if (!base.series[key]) return;
    traces.push({ x: base.series.age.values, y: base.series[key].values, name: label, line: { color: OKABE_ITO[k], width: 2 } });
    if (iv) traces.push({ x: iv.series.age.values, y: iv.series[key].values, name: label + " with interventions", line: { color: OKABE_ITO[k], width: 2, dash: "dash" } });
  });
  // legend entries for the stage shading
  const seen = new Set(base.series.stage.values);
  for (let s = 1; s <= 4; s++) if (seen.has(s)) traces.push({ x: [null], y: [null], name: "stage " + STAGE_NAMES[s], mode: "markers", marker: { symbol: "square", size: 12, color: STAGE_COLOURS[s] }, hoverinfo: "skip" });
  Plotly.react(id, traces, layout(title, "age (years)", unit, { shapes: stageShapes(base) }), PLOT_CONFIG);
}

function drawYears() {
  const y = state.years, s = y.baseline.series;
  yearsFigure("fig-y-glucose", "Glucose (stages of the run without interventions shaded)", "mg/dL", [["fasting_glucose", "fasting glucose"], ["glucose_2h", "2-h OGTT glucose"]]);
  yearsFigure("fig-y-insulin", "Insulin", "pmol/L", [["fasting_insulin", "fasting insulin"], ["insulin_2h", "2-h OGTT insulin"]]);
  yearsFigure("fig-y-a1c", "HbA1c", "%", [["hba1c", "HbA1c"]]);
  yearsFigure("fig-y-cells", "Receptors and beta cells", "% of healthy reference", [["surface_receptors_muscle", "muscle surface receptors"], ["surface_receptors_liver", "liver surface receptors"], ["beta_mass", "beta-cell mass"], ["beta_function", "beta-cell function"]]);
  yearsFigure("fig-y-body", "Weight, visceral fat and liver fat", "kg or %", [["weight", "weight (kg)"], ["visceral_fat", "visceral fat (kg)"], ["liver_fat", "liver fat (%)"]]);
  // transitions table
  let h = "<table><thead><tr><th scope='col'>stage</th><th scope='col'>age reached</th>" + (y.with_interventions ? "<th scope='col'>with interventions</th>" : "") + "<th scope='col'>why</th></tr></thead><tbody>";
  y.baseline.transitions.forEach((r, k) => {
    const w = y.with_interventions ? y.with_interventions.transitions[k] : null;
    h += "<tr><th scope='row'>" + r.stage + " " + escapeHtml(r.name) + "</th><td>" + (r.age === null ? "not reached" : r.age.toFixed(1)) + "</td>" +
      (w ? "<td>" + (w.age === null ? "not reached" : w.age.toFixed(1)) + "</td>" : "") + "<td>" + escapeHtml(r.reason || (w ? w.reason : "")) + "</td></tr>";
  });
  $("transitions").innerHTML = h + "</tbody></table>";
  const keys = Object.keys(s);
  const header = ["years from start", ...keys.map((k) => k + " (" + s[k].units + ")"), "stage reason"];
  const rows = y.baseline.time_years.map((t, j) => [t, ...keys.map((k) => s[k].values[j]), y.baseline.stage_reason[j]]);
  if (y.with_interventions) {
    const w = y.with_interventions.series;
    keys.forEach((k) => header.push(k + " with interventions (" + w[k].units + ")"));
    rows.forEach((r, j) => keys.forEach((k) => r.push(w[k].values[j] === undefined ? null : w[k].values[j])));
  }
  csvLink("csv-years", header, rows);
  drawInterventions();
}

function drawInterventions() {
  const y = state.years, d = y.difference;
  if (!d) {
    $("iv-diff").innerHTML = "<p>No intervention is switched on.</p>";
    Plotly.react("fig-diff", [], layout("Difference made by the interventions (switch one on)", "years from the start", "with − without"), PLOT_CONFIG);
  } else {
    const keys = Object.keys(d).filter((k) => k !== "time_years");
    const units = { fasting_glucose: "mg/dL", glucose_2h: "mg/dL", hba1c: "%", fasting_insulin: "pmol/L", weight: "kg" };
    let h = "<table><caption>At the end: with minus without interventions</caption><thead><tr><th scope='col'>quantity</th><th scope='col'>without</th><th scope='col'>with</th><th scope='col'>difference</th></tr></thead><tbody>";
    keys.forEach((k) => {
      const n = d[k].length - 1;
      const a = y.baseline.series[k].values[n], b = y.with_interventions.series[k].values[n];
      const f = (v) => (v === null || v === undefined ? "–" : Number(v).toFixed(1));
      h += "<tr><th scope='row'>" + k.replace(/_/g, " ") + " (" + units[k] + ")</th><td>" + f(a) + "</td><td>" + f(b) + "</td><td>" + f(d[k][n]) + "</td></tr>";
    });
    $("iv-diff").innerHTML = h + "</tbody></table>";
    const traces = keys.map((k, i) => ({ x: d.time_years, y: d[k], name: k.replace(/_/g, " ") + " (" + units[k] + ")", line: { color: OKABE_ITO[i] } }));
    Plotly.react("fig-diff", traces, layout("Difference made by the interventions (with − without)", "years from the start", "difference"), PLOT_CONFIG);
  }
  let h = "<table><thead><tr><th scope='col'>factor</th><th scope='col'>target</th><th scope='col'>effect</th><th scope='col'>evidence</th><th scope='col'>source</th></tr></thead><tbody>";
  const rows = [];
  y.evidence.forEach((e) => {
    h += "<tr><td>" + escapeHtml(e.factor) + "</td><td>" + escapeHtml(e.target) + "</td><td>" + escapeHtml(e.value + " " + e.unit) + "</td><td><span class='ev ev-" + escapeHtml(e.evidence) + "'>" + escapeHtml(e.evidence) + "</span></td><td>" + escapeHtml(e.source + " " + e.locator) + "</td></tr>";
    rows.push([e.factor, e.target, e.value, e.unit, e.evidence, e.source, e.locator]);
  });
  $("evidence").innerHTML = h + "</tbody></table>";
  csvLink("csv-evidence", ["factor", "target", "value", "unit", "evidence", "source", "locator"], rows);
}

// ------------------------------------------------------------------ (f) assessment
async function submitAssess(ev) {
  ev.preventDefault();
  const body = {};
  new FormData($("assess-form")).forEach((v, k) => { if (String(v).trim()) body[k] = String(v).trim(); });
  $("assess-result").innerHTML = "<p>Assessing…</p>";
  try {
    const a = await api("assess", body);
    const st = a.stage;
    let h = "<h3>Most likely " + (st.stage === null ? "not assessable" : "stage " + st.stage + ": " + escapeHtml(st.name)) + "</h3>";
    h += "<p>" + escapeHtml(a.explanation) + "</p><ul>";
    st.evidence.forEach((e) => { h += "<li>" + escapeHtml(e) + "</li>"; });
    st.neighbours.forEach((e) => { h += "<li>neighbouring stage: " + escapeHtml(e) + "</li>"; });
    st.missing.forEach((e) => { h += "<li>would help: " + escapeHtml(e) + "</li>"; });
    h += "</ul>";
    if (a.indices.length) {
      h += "<table><thead><tr><th scope='col'>index</th><th scope='col'>value</th><th scope='col'>unit</th><th scope='col'>flag</th><th scope='col'>reference</th></tr></thead><tbody>";
      a.indices.forEach((r) => { h += "<tr><th scope='row'>" + escapeHtml(r.label) + "</th><td>" + Number(r.value).toPrecision(3) + "</td><td>" + escapeHtml(r.unit) + "</td><td>" + escapeHtml(r.flag) + "</td><td>" + escapeHtml(r.reference) + "</td></tr>"; });
      h += "</tbody></table>";
    }
    if (a.ada_category) h += "<p>ADA category: <strong>" + escapeHtml(a.ada_category) + "</strong></p>";
    if (a.fasting_model) h += "<p>Model-based fasting assessment: hepatic insulin sensitivity " + a.fasting_model.percent_s.toFixed(0) + " %, beta-cell function " + a.fasting_model.percent_b.toFixed(0) + " %.</p>";
    h += "<p class='notice'>" + escapeHtml(a.notice) + "</p>";
    $("assess-result").innerHTML = h;
    mark("assess");
  } catch (e) {
    $("assess-result").innerHTML = "<p class='error' role='alert'>" + escapeHtml(e.message) + "</p>";
    mark("assess");
  }
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// ------------------------------------------------------------------ set-up
function bindOutput(id, onChange) {
  const el = $(id), out = $(id + "-out");
  el.addEventListener("input", () => { if (out) out.value = el.value; });
  if (onChange) el.addEventListener("input", onChange);
}

async function init() {
  try {
    state.meta = await api("meta");
  } catch (e) { setStatus("Error: " + e.message); return; }
  const m = state.meta;
  m.presets.forEach((p) => $("preset").add(new Option(p.replace(/_/g, " "), p)));
  $("preset").value = "insulin_resistant";
  m.step_days.forEach((s) => $("step-days").add(new Option(s + " days", s)));
  const box = $("risk-sliders");
  m.risks.forEach((r) => {
    const div = document.createElement("div");
    div.className = "field";
    const id = "risk-" + r.name;
    if (r.max === 1 && r.min === 0 && /indicator/.test(r.unit)) {
      div.innerHTML = "<label for='" + id + "'>" + escapeHtml(r.description.split(" (")[0]) + "</label> <input type='checkbox' id='" + id + "' name='" + r.name + "'>";
      box.appendChild(div);
      $(id).addEventListener("change", scheduleBoth);
      if (r.sex !== "any") {
        $(id).dataset.sex = r.sex;
        $(id).addEventListener("change", () => {
          if ($(id).checked && $("sex").value !== r.sex) { $("sex").value = r.sex; $("sex").dispatchEvent(new Event("change")); }
        });
      }
      return;
    }
    const [label, step] = RISK_LABELS[r.name] || [r.description, 1];
    div.innerHTML = "<label for='" + id + "'>" + escapeHtml(label) + ": <output id='" + id + "-out' for='" + id + "'>" + r.reference + "</output> " + escapeHtml(r.unit) + "</label>" +
      "<input type='range' id='" + id + "' name='" + r.name + "' min='" + r.min + "' max='" + (r.name === "energy_intake_excess" ? 1000 : r.max) + "' step='" + step + "' value='" + r.reference + "' title='" + escapeHtml(r.description) + "'>";
    box.appendChild(div);
    bindOutput(id, scheduleBoth);
  });
  const ivs = $("iv-list");
  m.interventions.forEach((iv, k) => {
    const div = document.createElement("div");
    div.className = "field iv";
    const id = "iv-" + iv.name;
    const lvl = iv.name === "caloric_restriction" ? 500 : 1;
    div.innerHTML = "<input type='checkbox' id='" + id + "' value='" + iv.name + "'> <label for='" + id + "'>" + escapeHtml(iv.description) + (iv.sex !== "any" ? " (" + iv.sex + " only)" : "") + "</label>" +
      " <label for='iv-level-" + iv.name + "' class='small'>level (" + escapeHtml(iv.unit.split(" (")[0]) + ")</label> <input type='number' class='level' id='iv-level-" + iv.name + "' min='" + iv.min + "' max='" + iv.max + "' step='any' value='" + lvl + "'>";
    ivs.appendChild(div);
    if (iv.sex !== "any") {
      $(id).dataset.sex = iv.sex;
      $(id).addEventListener("change", () => {
        if ($(id).checked && $("sex").value !== iv.sex) { $("sex").value = iv.sex; $("sex").dispatchEvent(new Event("change")); }
      });
    }
    $(id).addEventListener("change", scheduleYears);
    $("iv-level-" + iv.name).addEventListener("change", scheduleYears);
  });
  bindOutput("age", scheduleBoth);
  bindOutput("years", scheduleBoth);
  bindOutput("at-age", scheduleDay);
  bindOutput("iv-age", scheduleYears);
  bindOutput("iv-adherence", scheduleYears);
  bindOutput("hyper-insulin");
  $("step-days").addEventListener("change", scheduleBoth);
  $("preset").addEventListener("change", scheduleBoth);
  $("sex").addEventListener("change", () => {
    // a sex-specific factor or intervention is off for the other sex
    document.querySelectorAll("#risk-sliders input[data-sex], #iv-list input[data-sex]").forEach((el) => {
      if (el.dataset.sex !== $("sex").value) el.checked = false;
    });
    scheduleBoth();
  });
  $("protocol").addEventListener("change", updateDay);
  $("run-hyper").addEventListener("click", runHyper);
  $("assess-form").addEventListener("submit", submitAssess);
  syncAtAge();
  await Promise.all([updateDay(), updateYears()]);
  runHyper();  // the receptor experiment of the preset, once the first views are drawn
}

document.addEventListener("DOMContentLoaded", init);
