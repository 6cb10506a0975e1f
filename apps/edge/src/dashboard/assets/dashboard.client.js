// The dashboard's browser script (served as text by the worker; plain ES2020, no build step). It draws
// the charts from /dashboard/data, swaps in the server-rendered variants table, runs the A/B panel against
// /dashboard/ab, and refreshes all of it without reloading the page.
(() => {
  'use strict';
  const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
  const REFRESH_MS = 15000;
  const charts = new Map(); // "model/kind" → Chart
  let data = JSON.parse(document.getElementById('initial-data').textContent);
  let timer = null;

  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';

  const colorOf = (model, variant) => COLORS[model.variants.findIndex((v) => v.name === variant) % COLORS.length];
  const alpha = (hex, a) => hex + Math.round(a * 255).toString(16).padStart(2, '0');
  const fmtMs = (v) => (v == null ? '—' : v < 1 ? v.toFixed(3) + ' ms' : v.toFixed(1) + ' ms');
  const fmtPct = (p, d = 1) => (p == null || Number.isNaN(p) ? '—' : (p * 100).toFixed(d) + '%');
  const signed = (x, d) => {
    if (x == null || Number.isNaN(x)) return '—';
    const digits = Math.abs(x).toFixed(d);
    // No sign on a figure that rounds to zero: "−0.00" reads as a loss that is not there.
    return Number(digits) === 0 ? digits : (x > 0 ? '+' : '−') + digits;
  };
  const interval = (i, scale, d, unit) => (i ? `${signed(i.estimate * scale, d)}${unit} (${signed(i.lower * scale, d)} to ${signed(i.upper * scale, d)})` : '—');
  const bucketLabel = (bounds, i) => (i >= bounds.length ? `>${bounds[bounds.length - 1]}` : `≤${bounds[i]}`);

  function timeLabel(ms) {
    const d = new Date(ms);
    const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return data.window === '7d' ? `${d.getMonth() + 1}/${d.getDate()} ${hm}` : hm;
  }

  /** Create the chart once, then only swap its data: no flicker, and the canvas keeps its size. */
  function draw(key, canvas, config) {
    const existing = charts.get(key);
    if (existing && existing.config.type === config.type) {
      existing.data = config.data;
      existing.options = config.options;
      existing.update('none');
      return existing;
    }
    if (existing) existing.destroy();
    const chart = new Chart(canvas, config);
    charts.set(key, chart);
    return chart;
  }

  function seriesChart(section, model) {
    const datasets = [];
    for (const v of model.variants) {
      const s = model.series[v.name];
      if (!s) continue;
      const color = colorOf(model, v.name);
      // Empty slots are null: spanGaps false leaves them as gaps. A point on a slot between two gaps has no
      // line to sit on, so every point is drawn small.
      for (const [p, dash] of [['p50', []], ['p95', [6, 3]], ['p99', [2, 3]]]) {
        datasets.push({ label: v.name, percentile: p, data: s.t.map((t, i) => ({ x: t, y: s[p][i] })), borderColor: color, backgroundColor: color, borderDash: dash, borderWidth: p === 'p50' ? 2 : 1.5, pointRadius: p === 'p50' ? 1.5 : 0, spanGaps: false });
      }
    }
    section.querySelector('[data-field="slot"]').textContent = `${data.slotMinutes}-min slots; empty slots are gaps`;
    draw(`${model.name}/series`, section.querySelector('canvas[data-chart="series"]'), {
      type: 'line',
      data: { datasets },
      options: {
        parsing: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: { type: 'linear', min: data.sinceMs, max: data.generatedAt, ticks: { callback: (v) => timeLabel(v), maxTicksLimit: 6 } },
          y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'ms' } },
        },
        plugins: {
          // One legend entry per variant (its p50 line); the caption says which dash is which percentile.
          // A click shows or hides all three lines of that variant.
          legend: {
            labels: { boxWidth: 12, filter: (item, chartData) => chartData.datasets[item.datasetIndex].percentile === 'p50' },
            onClick: (_e, item, legend) => {
              const chart = legend.chart;
              const name = chart.data.datasets[item.datasetIndex].label;
              const hide = chart.isDatasetVisible(item.datasetIndex);
              chart.data.datasets.forEach((d, i) => {
                if (d.label === name) chart.setDatasetVisibility(i, !hide);
              });
              chart.update();
            },
          },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label} ${ctx.dataset.percentile}: ${fmtMs(ctx.parsed.y)}` } },
        },
      },
    });
  }

  function histogramChart(section, model) {
    const used = Object.values(model.histograms).flatMap((counts) => counts.map((c, i) => (c > 0 ? i : -1)).filter((i) => i >= 0));
    const lo = Math.max(0, Math.min(...used) - 1);
    const hi = Math.min(data.bounds.length, Math.max(...used) + 1);
    const labels = [];
    for (let i = lo; i <= hi; i++) labels.push(bucketLabel(data.bounds, i) + ' ms');
    const datasets = model.variants
      .filter((v) => model.histograms[v.name])
      .map((v) => {
        const counts = model.histograms[v.name];
        const total = counts.reduce((a, b) => a + b, 0) || 1;
        const color = colorOf(model, v.name);
        return { label: v.name, data: counts.slice(lo, hi + 1).map((c) => (100 * c) / total), backgroundColor: alpha(color, 0.35), borderColor: color, borderWidth: 1.5, grouped: false };
      });
    draw(`${model.name}/histogram`, section.querySelector('canvas[data-chart="histogram"]'), {
      type: 'bar',
      data: { labels, datasets },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: '% of requests' } } }, plugins: { legend: { labels: { boxWidth: 12 } } } },
    });
  }

  function scatterChart(section, model) {
    const useAccuracy = model.variants.some((v) => v.accuracy != null);
    const metric = useAccuracy ? 'accuracy' : 'fidelity';
    const points = model.variants.filter((v) => v[metric] != null);
    const empty = section.querySelector('[data-empty="accuracy"]');
    const canvas = section.querySelector('canvas[data-chart="scatter"]');
    empty.hidden = points.length > 0;
    canvas.parentElement.hidden = points.length === 0;
    section.querySelector('[data-field="pareto-axes"]').textContent = model.paretoAxes.join(', ') || 'nothing yet';
    if (points.length === 0) return;
    const serving = points.filter((v) => !v.failing);
    const maxP50 = Math.max(...serving.map((v) => v.p50Ms || 0)) || 1;
    const y = (v) => (useAccuracy ? v.accuracy * 100 : v.fidelity);
    const datasets = points.map((v) => {
      const color = colorOf(model, v.name);
      // A failing variant is drawn apart (a cross, no size by latency): its latency measures its errors.
      if (v.failing) {
        return { type: 'scatter', label: `${v.name} (failing)`, data: [{ x: v.bytes / 1024, y: y(v), p50: null }], pointStyle: 'crossRot', pointRadius: 9, borderColor: '#b91c1c', backgroundColor: '#b91c1c', borderWidth: 2 };
      }
      return {
        type: 'bubble',
        label: v.dominatedBy ? `${v.name} (dominated)` : v.name,
        data: [{ x: v.bytes / 1024, y: y(v), r: v.p50Ms == null ? 5 : 5 + 13 * (v.p50Ms / maxP50), p50: v.p50Ms }],
        backgroundColor: v.dominatedBy ? 'rgba(0,0,0,0)' : alpha(color, 0.6),
        borderColor: color,
        borderWidth: 2,
      };
    });
    const front = serving.filter((v) => !v.dominatedBy).sort((a, b) => a.bytes - b.bytes);
    datasets.push({ type: 'line', label: 'Pareto front', data: front.map((v) => ({ x: v.bytes / 1024, y: y(v) })), borderColor: '#111827', borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, fill: false });
    const sizes = points.map((v) => v.bytes);
    const logX = Math.max(...sizes) / Math.min(...sizes) > 20;
    draw(`${model.name}/scatter`, canvas, {
      type: 'bubble',
      data: { datasets },
      options: {
        scales: { x: { type: logX ? 'logarithmic' : 'linear', title: { display: true, text: 'size (KB)' } }, y: { title: { display: true, text: useAccuracy ? 'accuracy (%)' : 'fidelity (cosine)' } } },
        plugins: {
          legend: { labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${ctx.parsed.x.toFixed(1)} KB, ${ctx.parsed.y.toFixed(2)}${useAccuracy ? '%' : ''}${ctx.raw.p50 != null ? ', p50 ' + fmtMs(ctx.raw.p50) : ''}` } },
        },
      },
    });
  }

  function renderModel(model) {
    const section = document.querySelector(`section.model[data-model="${CSS.escape(model.name)}"]`);
    if (!section) return false;
    section.querySelector('[data-slot="table"]').innerHTML = model.tableHtml;
    section.querySelector('[data-field="requests"]').textContent = String(model.requests);
    const unserved = section.querySelector('[data-field="unserved"]');
    unserved.hidden = model.unservedRequests === 0;
    unserved.textContent = `${model.unservedRequests} requests in this window found no healthy variant (503): the model was down for them.`;
    const hasTraffic = model.requests > 0;
    section.querySelector('[data-empty="traffic"]').hidden = hasTraffic;
    section.querySelector('.charts').hidden = !hasTraffic;
    if (hasTraffic) {
      seriesChart(section, model);
      histogramChart(section, model);
      scatterChart(section, model);
    }
    return true;
  }

  function renderAll() {
    document.body.dataset.window = data.window;
    document.body.dataset.generatedAt = String(data.generatedAt);
    for (const b of document.querySelectorAll('[data-window]')) b.setAttribute('aria-pressed', String(b.dataset.window === data.window));
    document.querySelector('[data-field="updated"]').textContent = 'updated ' + new Date(data.generatedAt).toLocaleTimeString();
    // A model deployed since the page loaded has no section yet: only a reload can lay it out.
    const known = data.models.every(renderModel);
    if (!known) document.querySelector('[data-field="updated"]').textContent += ' · new model deployed: reload the page';
  }

  async function fetchJson(url) {
    const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (res.status === 401) {
      location.assign('/dashboard');
      throw new Error('signed out');
    }
    const body = await res.json();
    if (!res.ok) throw new Error(body.error && body.error.message ? body.error.message : `HTTP ${res.status}`);
    return body;
  }

  function abTable(r) {
    const row = (name, a, b, d) => `<tr><th scope="row">${name}</th><td>${a}</td><td>${b}</td><td>${d}</td></tr>`;
    const rep = r.report;
    const lat = rep.latency;
    const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]);
    const cpu = (name) => {
      const c = r.cpu && r.cpu[name];
      return c ? `${fmtMs(c.p50Ms)} p50, ${fmtMs(c.p95Ms)} p95` : '<span class="unavailable" title="the Tail Worker attributed no invocation to this variant">unavailable</span>';
    };
    const unit = rep.perUnit;
    const guard = (metric) => {
      const g = (rep.guardrails || []).find((x) => x.metric === metric);
      return g ? ` <span class="tag guardrail-${g.status.replace(' ', '-')}" title="margin ${g.marginPt} pt">guardrail ${g.status}</span>` : '';
    };
    return `<table class="ab-table"><thead><tr><th></th><th scope="col">${esc(rep.a.name)} (baseline)</th><th scope="col">${esc(rep.b.name)}</th><th scope="col">difference, ${Math.round(rep.confidence * 100)}% CI</th></tr></thead><tbody>
      ${row('accuracy (labelled)' + guard('accuracy'), rep.a.accuracy ? `${fmtPct(rep.a.accuracy.estimate)} of ${rep.a.labelled.total}` : 'no labels', rep.b.accuracy ? `${fmtPct(rep.b.accuracy.estimate)} of ${rep.b.labelled.total}` : 'no labels', interval(rep.accuracyDifference, 100, 1, ' pt'))}
      ${row('error rate' + guard('error rate'), fmtPct(rep.a.errorRate && rep.a.errorRate.estimate, 2), fmtPct(rep.b.errorRate && rep.b.errorRate.estimate, 2), unit && unit.errorRateDifference ? `${interval(unit.errorRateDifference, 100, 2, ' pt')} <small>per unit</small>` : interval(rep.errorRateDifference, 100, 2, ' pt'))}
      ${row('requests', rep.a.requests, rep.b.requests, '')}
      ${row('units (hash buckets)', unit ? unit.clustersA : '—', unit ? unit.clustersB : '—', '')}
      ${row('median latency', fmtMs(rep.a.medianMs), fmtMs(rep.b.medianMs), lat.median ? `${signed(lat.median.difference.estimate, 3)} ms (${signed(lat.median.difference.lower, 3)} to ${signed(lat.median.difference.upper, 3)}); ${interval(lat.median.relativeChangePct, 1, 1, '%')} <small>bootstrap</small>` : '—')}
      ${row('mean latency', fmtMs(rep.a.meanMs), fmtMs(rep.b.meanMs), unit && unit.meanLatencyDifferenceMs ? `${interval(unit.meanLatencyDifferenceMs, 1, 3, ' ms')} <small>per unit</small>` : lat.meanDifferenceMs ? `${interval(lat.meanDifferenceMs, 1, 3, ' ms')} <small>Welch</small>` : '—')}
      ${row('CPU time (Tail Worker)', cpu(rep.a.name), cpu(rep.b.name), '')}
      ${row('planned per variant', '', '', `${rep.design.latency.plannedPerVariant ?? '—'} requests; ${rep.design.accuracy.plannedPerVariant ?? '—'} labels`)}
      ${generationRows(r.generation, row)}
    </tbody></table>`;
  }

  /** A text-generation model's rows: time to first token, decode tokens/s and tokens per request, b against a. */
  function generationRows(g, row) {
    if (!g) return '';
    const num = (v, d, unit) => (v == null ? '—' : v.toFixed(d) + unit);
    const diff = (m, d, unit) => (m.difference ? `${interval(m.difference, 1, d, unit)}; ${interval(m.relativeChangePct, 1, 1, '%')} <small>Welch</small>` : '—');
    return `
      ${row('time to first token, mean', `${fmtMs(g.ttftMs.meanA)} <small>of ${g.ttftMs.n.a}</small>`, `${fmtMs(g.ttftMs.meanB)} <small>of ${g.ttftMs.n.b}</small>`, diff(g.ttftMs, 2, ' ms'))}
      ${row('time to first token, median', fmtMs(g.ttftMs.medianA), fmtMs(g.ttftMs.medianB), '')}
      ${row('decode tokens/s, mean', num(g.tokensPerSecond.meanA, 1, ''), num(g.tokensPerSecond.meanB, 1, ''), diff(g.tokensPerSecond, 1, ''))}
      ${row('tokens per request, mean', num(g.tokensPerRequest.meanA, 1, ''), num(g.tokensPerRequest.meanB, 1, ''), diff(g.tokensPerRequest, 2, ''))}`;
  }

  function srmText(r) {
    const s = r.report.sampleRatio;
    if (!s) return 'Sample ratio: not checked (fewer than two variants with weight, or no assigned traffic since the weights last changed).';
    const parts = s.variants.map((v) => `${v.name} ${v.observed} (expected ${Math.round(v.expected)})`).join(', ');
    const basis = s.basis === 'units' ? 'tested per unit bucket' : 'tested per request';
    return `Sample ratio ${s.mismatch ? 'MISMATCH' : 'fine'}: ${parts}; chi-square p = ${s.pValue.toPrecision(2)}, ${basis} (flagged below ${s.threshold}), since ${new Date(r.sampleRatioSinceMs).toLocaleString()}.`;
  }

  async function runAb(section) {
    const form = section.querySelector('.ab-form');
    const verdict = section.querySelector('[data-field="verdict"]');
    if (!form || section.querySelector('section.ab').hidden) return;
    const params = new URLSearchParams({ model: section.dataset.model, window: data.window });
    for (const name of ['a', 'b', 'minEffectPt', 'minLatencyPct', 'maxErrorRisePt']) {
      const v = form.elements[name].value;
      if (v) params.set(name, v);
    }
    try {
      const r = await fetchJson('/dashboard/ab?' + params);
      verdict.textContent = r.report.verdict;
      const guardFailed = (r.report.guardrails || []).some((g) => g.status === 'failed');
      verdict.dataset.status = guardFailed ? 'guardrail' : r.report.status;
      section.querySelector('[data-slot="ab-figures"]').innerHTML = abTable(r);
      const srm = section.querySelector('[data-field="srm"]');
      srm.textContent = srmText(r);
      srm.dataset.mismatch = String(Boolean(r.report.sampleRatio && r.report.sampleRatio.mismatch));
      section.querySelector('[data-field="design"]').textContent = r.report.design.explanation;
    } catch (e) {
      verdict.textContent = e.message;
      verdict.dataset.status = 'error';
    }
  }

  async function refresh(window) {
    data = await fetchJson('/dashboard/data?window=' + encodeURIComponent(window || data.window));
    history.replaceState(null, '', '?window=' + data.window);
    renderAll();
    await Promise.all([...document.querySelectorAll('section.model')].map(runAb));
  }

  function schedule() {
    clearInterval(timer);
    if (document.querySelector('[data-action="auto"]').checked) timer = setInterval(() => refresh().catch(() => {}), REFRESH_MS);
  }

  for (const b of document.querySelectorAll('[data-window]')) b.addEventListener('click', () => refresh(b.dataset.window));
  document.querySelector('[data-action="refresh"]').addEventListener('click', () => refresh());
  document.querySelector('[data-action="auto"]').addEventListener('change', schedule);
  for (const section of document.querySelectorAll('section.model')) {
    const form = section.querySelector('.ab-form');
    if (!form) continue;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      runAb(section);
    });
  }
  renderAll();
  Promise.all([...document.querySelectorAll('section.model')].map(runAb)).then(() => {
    document.body.dataset.ready = 'true';
  });
  schedule();
})();
